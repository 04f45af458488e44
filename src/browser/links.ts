/**
 * Attribution that follows the visitor off the site: links, forms and iframes pointing at the
 * site's other root domains carry the click id (`linkDomains`), and the tracker there adopts it;
 * Stripe Payment Links, pricing tables and buy buttons get it as their client reference (`stripe`).
 * In `affitor-tracker.links.js` and `affitor-tracker/links`, not in the main file.
 */
import { DEFAULT_WINDOW_DAYS } from '../cookie-names'
import { CONSENT_COOKIE, defaultChoice } from './consent'
import { CLICK_COOKIE, createCookieStorage, PARTNER_COOKIE, readCookie } from './cookie-storage'
import { removeParam, watchNavigation } from './navigation'
import type { TrackerOptions } from './options'
import { withoutParams } from './redact-url'

/** The query parameter that carries the attribution to another domain. */
export const LINK_PARAM = 'affitor_link'
/** Cookie holding when the stored click was made (ms since the epoch), to tell the newer of two clicks. */
export const CLICK_AT_COOKIE = 'affitor_click_at'
/**
 * How long a decorated URL carries the attribution, in ms: it is decorated as the visitor
 * follows it, so a copied, shared or bookmarked URL stops carrying it minutes later.
 */
export const LINK_TTL = 300_000

/** What Stripe accepts as `client_reference_id`: at most 200 letters, digits, `-` and `_`. */
const STRIPE_REFERENCE = /^[\w-]{1,200}$/
/** What carries the attribution as it appears in the page. */
const ELEMENTS = 'iframe[src],stripe-pricing-table,stripe-buy-button'
const DAY = 86_400_000

/** The options of {@link followLinks}: the tracker's, and these. */
export interface LinkOptions extends TrackerOptions {
  /**
   * The site's other root domains: links, forms and iframes pointing at them (present at load or
   * added later) carry the click id in `affitor_link`, which the tracker there adopts, with no new
   * click. `shop.app` is that host; `*.shop.dev` is `shop.dev` and every subdomain. In a data
   * attribute, a comma-separated list.
   * @example ['shop.app', '*.shop.dev']
   */
  linkDomains?: string | readonly string[]
  /**
   * Stripe Payment Links (`https://buy.stripe.com/…`) get `client_reference_id=<click id>`, and
   * `<stripe-pricing-table>` and `<stripe-buy-button>` the `client-reference-id` attribute (also
   * when added later), unless the page set its own.
   * @default false
   */
  stripe?: boolean
}

/** The decoration: program id, click id, partner code, when the click was made, when decorated. */
type Carried = [string, string, string | null, number, number]

/**
 * Makes the attribution follow the visitor to `linkDomains` and into Stripe checkouts, and adopts
 * one carried here from another domain: the click id in `affitor_link` becomes this site's
 * cookie (no click is reported) unless it is for another program, older than {@link LINK_TTL},
 * or older than the click already stored here; either way it leaves the address bar. Call it
 * after `createTracker()` or `init()`, with the same options. Does nothing without a DOM.
 *
 * @example followLinks({ programId: 123, linkDomains: ['shop.app'], stripe: true })
 */
export function followLinks(options: LinkOptions): void {
  if (typeof document != 'object') return
  // Own properties only: what a page put on Object.prototype is no option.
  options = { __proto__: null, ...options } as LinkOptions
  const { stripe } = options
  const program = String(options.programId).trim()
  const domains = String(options.linkDomains || '')
    .toLowerCase()
    .split(/[\s,]+/)
  const cookies = createCookieStorage(options.cookieDomain)
  const consented = () => (readCookie(CONSENT_COOKIE) || defaultChoice(options)) == '1'
  const clickId = () => readCookie(CLICK_COOKIE)

  /** `url` carrying the attribution as it should now, or nothing when it needs none. */
  function decorate(url: string, el: Element): string | undefined | false {
    const id = clickId()
    if (id)
      try {
        const { hostname, searchParams } = absolute(url)
        if (stripe && hostname == 'buy.stripe.com') return mine(el, searchParams.get('client_reference_id'), id) && withParam(url, 'client_reference_id', id)
        // A link domain (`*.shop.dev`: shop.dev and its subdomains); never this host, which shares the cookie.
        if (hostname != location.hostname && domains.some((name) => name == hostname || (name[0] == '*' && ('.' + hostname).endsWith(name.slice(1))))) {
          const carried: Carried = [program, id, readCookie(PARTNER_COOKIE)!, +readCookie(CLICK_AT_COOKIE)! || 0, Date.now()]
          return withParam(url, LINK_PARAM, JSON.stringify(carried))
        }
      } catch {}
  }

  /**
   * Decorates the link or the form an event is about, just before the browser follows it. A GET
   * form's action loses its query on submit: the attribution goes in a hidden field there.
   */
  function follow(event: Event) {
    if (event.type == 'submit') {
      const form = event.target as HTMLFormElement
      const url = decorate(form.getAttribute('action') || location.href, form)
      if (url)
        /post/i.test(form.method)
          ? form.setAttribute('action', url)
          : ((form.querySelector(`[name=${LINK_PARAM}]`) as HTMLInputElement) || form.appendChild(Object.assign(document.createElement('input'), { type: 'hidden', name: LINK_PARAM }))).value = absolute(url).searchParams.get(LINK_PARAM)!
    } else
      for (const el of event.composedPath() as HTMLAnchorElement[])
        // `<a>` and `<area>` with an href (an SVG link's is no string).
        if (typeof el.href == 'string' && el.hasAttribute('href')) {
          const url = decorate(el.href, el)
          if (url) el.href = url
          return
        }
  }

  /** Iframes (which load as they appear) and Stripe's elements (which read the reference then) in `root`. */
  function scan(root: Element | Document) {
    const id = clickId()
    if (id)
      for (const el of [root, ...root.querySelectorAll(ELEMENTS)] as Element[])
        if (el.matches?.(ELEMENTS)) {
          const src = el.getAttribute('src')
          if (src != null) {
            const url = !src.includes(LINK_PARAM) && decorate(src, el)
            if (url) el.setAttribute('src', url)
          } else if (stripe) {
            const own = el.getAttribute('client-reference-id')
            if (own != id && mine(el, own, id)) el.setAttribute('client-reference-id', id)
          }
        }
  }

  /** After a click may have been stored (this page's landing, a SPA's): records when, and updates the elements. */
  function refresh() {
    // A microtask later: the tracker may start in the same task, just after this.
    Promise.resolve()
      .then(() => (window as { __affitor?: Record<string, unknown> }).__affitor?.[program])
      .then(() => {
        const id = clickId()
        if (id != known && id && consented()) cookies.set(CLICK_AT_COOKIE, '' + Date.now(), DEFAULT_WINDOW_DAYS)
        known = id
        scan(document)
      })
  }

  // Arriving with an attribution carried from another domain: out of the address bar, and stored
  // unless it is another program's, expired, or older than the click stored here (last click wins).
  const value = new URL(location.href).searchParams.get(LINK_PARAM)
  if (value != null) {
    removeParam(location.href, [LINK_PARAM])
    try {
      const [from, id, code, at, sent] = JSON.parse(value) as Carried
      const now = Date.now()
      const days = DEFAULT_WINDOW_DAYS - (at ? (now - at) / DAY : 0)
      const stored = clickId()
      if (from === program && id && typeof id == 'string' && now - sent < LINK_TTL && sent < now + 60_000 && days > 0 && consented() && !(stored && (stored == id || +readCookie(CLICK_AT_COOKIE)! >= at))) {
        cookies.set(CLICK_COOKIE, id, days)
        typeof code == 'string' ? cookies.set(PARTNER_COOKIE, code, days) : cookies.remove(PARTNER_COOKIE)
        cookies.set(CLICK_AT_COOKIE, '' + (at || now), days)
      }
    } catch {}
  }
  let known = clickId()
  for (const type of ['pointerdown', 'click', 'submit']) addEventListener(type, follow, true)
  new MutationObserver((changes) => {
    for (const { type, target, addedNodes } of changes) for (const node of type == 'attributes' ? [target] : addedNodes) node.nodeType == 1 && scan(node as Element)
  }).observe(document, { childList: true, subtree: true, attributeFilter: ['src'] })
  watchNavigation(refresh)
  refresh()
}

/** The client reference this script gave an element, replaced as the click changes: the page's own never is. */
const OURS = Symbol()

/** Whether `el`, whose client reference is `own`, should get `id` as one; if so, `id` is recorded as this script's. */
function mine(el: Element & { [OURS]?: string }, own: string | null, id: string): string | false {
  return (own == null || own == el[OURS]) && STRIPE_REFERENCE.test(id) && (el[OURS] = id)
}

const absolute = (url: string) => new URL(url, document.baseURI)

/** `url` with `name=value` as its last query parameter, the other parameters kept as written. */
function withParam(url: string, name: string, value: string): string {
  const clean = withoutParams(absolute(url).href, (other) => other == name)
  clean.search += (clean.search ? '&' : '') + name + '=' + encodeURIComponent(value)
  return clean.href
}
