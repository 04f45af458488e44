/**
 * Attribution that follows the visitor off the site: links, forms and iframes pointing at the
 * site's other root domains carry the click id (`linkDomains`), and the tracker there adopts it;
 * Stripe Payment Links, pricing tables and buy buttons get it as their client reference (`stripe`).
 * In `affitor-tracker.links.js` and `affitor-tracker/links`, not in the main file.
 */
import { DEFAULT_WINDOW_DAYS } from '../cookie-names'
import { CONSENT_COOKIE, defaultChoice } from './consent'
import { CLICK_COOKIE, createCookieStorage, PARTNER_COOKIE, readCookie } from './cookie-storage'
import { watchNavigation } from './navigation'
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
const STRIPE_ELEMENTS = 'stripe-pricing-table,stripe-buy-button'
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
  const { programId, cookieDomain, stripe } = options
  const program = String(programId).trim()
  const domains = String(options.linkDomains || '')
    .toLowerCase()
    .split(/ *, */)
    .filter(Boolean)
  const cookies = createCookieStorage(cookieDomain)
  const consented = () => (readCookie(CONSENT_COOKIE) || defaultChoice(options)) == '1'
  const clickId = () => readCookie(CLICK_COOKIE)
  let known = clickId()

  /** Where a URL to `host` should carry the click: a link domain, not this host (which shares the cookie). */
  const linked = (host: string) => host != location.hostname && domains.some((name) => (name[0] == '*' ? host == name.slice(2) || host.endsWith(name.slice(1)) : host == name))

  /** `url` carrying the attribution as it should now, or `undefined` when it needs nothing. */
  function decorate(url: string, el: Element): string | undefined {
    const id = clickId()
    if (id) try {
      const { hostname, searchParams } = new URL(url, document.baseURI)
      if (stripe && hostname == 'buy.stripe.com') {
        const own = searchParams.get('client_reference_id')
        if (mine(el, own, id)) return withParam(url, 'client_reference_id', id)
      } else if (linked(hostname)) {
        const carried: Carried = [program, id, readCookie(PARTNER_COOKIE) || null, +readCookie(CLICK_AT_COOKIE)! || 0, Date.now()]
        return withParam(url, LINK_PARAM, JSON.stringify(carried))
      }
    } catch {}
  }

  /** Decorates the link or form an event is about, just before the browser follows it. */
  function follow(event: Event) {
    if (event.type == 'submit') return decorateForm(event.target as HTMLFormElement)
    for (const el of event.composedPath() as HTMLAnchorElement[])
      // Links: `<a>` and `<area>` with an href (an SVG link's is no string).
      if (typeof el.href == 'string' && el.getAttribute('href') != null) {
        const url = decorate(el.href, el)
        if (url) el.href = url
        return
      }
  }

  /** A GET form's action loses its query on submit: the click goes in a hidden field there. */
  function decorateForm(form: HTMLFormElement) {
    if (form.tagName != 'FORM') return
    const action = form.getAttribute('action') || location.href
    const url = decorate(action, form)
    if (!url) return
    if (/^post$/i.test(form.getAttribute('method') || '')) return form.setAttribute('action', url)
    let field = form.querySelector<HTMLInputElement>(`input[name=${LINK_PARAM}]`)
    if (!field) (field = form.appendChild(document.createElement('input'))).type = 'hidden'
    field.name = LINK_PARAM
    field.value = new URL(url, document.baseURI).searchParams.get(LINK_PARAM)!
  }

  /** Iframes and Stripe's elements, which load or read the attribution as they appear. */
  function scan(root: ParentNode | Element) {
    if (!clickId()) return
    const found = [...root.querySelectorAll(`iframe[src],${STRIPE_ELEMENTS}`)]
    if ((root as Element).matches?.(`iframe[src],${STRIPE_ELEMENTS}`)) found.push(root as Element)
    for (const el of found) {
      if (el.tagName == 'IFRAME') {
        const src = el.getAttribute('src')!
        const url = !new URL(src, document.baseURI).searchParams.has(LINK_PARAM) && decorate(src, el)
        if (url) el.setAttribute('src', url)
      } else if (stripe) {
        const id = clickId()!
        const own = el.getAttribute('client-reference-id')
        if (own != id && mine(el, own, id)) el.setAttribute('client-reference-id', id)
      }
    }
  }

  /** After a click may have been stored (this page's landing, a SPA's): when it was made, and the elements. */
  function refresh() {
    const pending = (window as { __affitor?: Record<string, Promise<unknown>> }).__affitor?.[program]
    Promise.resolve(pending).then(() => {
      const id = clickId()
      if (id && id != known && consented()) cookies.set(CLICK_AT_COOKIE, '' + Date.now(), DEFAULT_WINDOW_DAYS)
      known = id
      scan(document)
    })
  }

  adopt()
  known = clickId()
  for (const type of ['pointerdown', 'click', 'submit']) addEventListener(type, follow, true)
  new MutationObserver((changes) => {
    for (const { type, target, addedNodes } of changes) for (const node of type == 'attributes' ? [target] : addedNodes) node.nodeType == 1 && scan(node as Element)
  }).observe(document, { childList: true, subtree: true, attributeFilter: ['src'] })
  watchNavigation(refresh)
  refresh()

  /** Takes a carried attribution out of the address bar, and stores it when it should be. */
  function adopt() {
    const value = new URL(location.href).searchParams.get(LINK_PARAM)
    if (value == null) return
    try {
      history.replaceState(history.state, '', withoutParams(location.href, (name) => name == LINK_PARAM))
    } catch {}
    try {
      const [from, id, code, at, sent] = JSON.parse(value) as Carried
      const now = Date.now()
      const days = DEFAULT_WINDOW_DAYS - (at ? (now - at) / DAY : 0)
      const stored = clickId()
      // Another program's, expired, or made before the click stored here: last click wins.
      if (from !== program || typeof id != 'string' || !id || !(now - sent < LINK_TTL && sent < now + 60_000) || !(days > 0) || !consented()) return
      if (stored && (stored == id || +readCookie(CLICK_AT_COOKIE)! >= at)) return
      cookies.set(CLICK_COOKIE, id, days)
      typeof code == 'string' ? cookies.set(PARTNER_COOKIE, code, days) : cookies.remove(PARTNER_COOKIE)
      cookies.set(CLICK_AT_COOKIE, '' + (at || now), days)
    } catch {}
  }
}

/** The client reference this script gave an element, replaced as the click changes: the page's own never is. */
const OURS = Symbol()

/** Whether `el`, whose client reference is `own`, should get `id` as one; if so, `id` is recorded as this script's. */
function mine(el: Element & { [OURS]?: string }, own: string | null, id: string): unknown {
  return (own == null || own == el[OURS]) && STRIPE_REFERENCE.test(id) && (el[OURS] = id)
}

/** `url` with `name=value` as its last query parameter, the other parameters kept as written. */
function withParam(url: string, name: string, value: string): string {
  const clean = withoutParams(new URL(url, document.baseURI).href, (other) => other == name)
  clean.search += (clean.search ? '&' : '') + name + '=' + encodeURIComponent(value)
  return clean.href
}
