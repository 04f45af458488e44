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
import { PARTNER_CODE } from '../partner-code'

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

/** A click id that may be carried and adopted: what the protocol's servers give, within a cookie's means. */
const CLICK_ID = /^[\w.~-]{1,200}$/

/** The programs whose links this page follows already: a second call (a remount) adds nothing. */
const following: Record<string, 1> = {}

/**
 * Makes the attribution follow the visitor to `linkDomains` and into Stripe checkouts, and adopts
 * one carried here from another domain: the click id in `affitor_link` becomes this site's cookie
 * (no click is reported) when it comes from a page of `linkDomains` (the referrer), for this
 * program, decorated less than {@link LINK_TTL} ago, within the attribution window, and newer than
 * the click stored here; then, or when it is expired, it leaves the address bar. While consent is
 * pending it waits in memory, and is adopted once given. Call it before `createTracker()` or
 * `init()`, with the same options, so that the tracker never reads it. Returns what stops it (a
 * component's cleanup); a second call for the program before that does nothing. Does nothing
 * without a DOM.
 *
 * @example const stop = followLinks({ programId: 123, linkDomains: ['shop.app'], stripe: true })
 */
export function followLinks(options: LinkOptions): () => void {
  if (typeof document != 'object') return () => {}
  // Own properties only: what a page put on Object.prototype is no option.
  options = { __proto__: null, ...options } as LinkOptions
  const { stripe } = options
  const program = String(options.programId).trim()
  if (following[program]) return () => {}
  following[program] = 1
  let stopped: unknown
  const domains = String(options.linkDomains || '')
    .toLowerCase()
    .match(/[^\s,]+/g) || []
  const cookies = createCookieStorage(options.cookieDomain)
  const consented = () => (readCookie(CONSENT_COOKIE) || defaultChoice(options)) == '1'
  // The click that may be carried now: none while consent is refused or pending.
  const clickId = () => (consented() && readCookie(CLICK_COOKIE)) || undefined
  // A link domain (`*.shop.dev`: shop.dev and its subdomains); never this host, which shares the cookie.
  const linked = (host: string) => host != location.hostname && domains.some((name) => name == host || (name[0] == '*' && ('.' + host).endsWith(name.slice(1))))
  let known = readCookie(CLICK_COOKIE)
  let waiting: string | null = new URL(location.href).searchParams.get(LINK_PARAM)

  /**
   * `url` carrying the attribution as it should now, or nothing when it needs no change. `ours`
   * is the reference this script gave it before: taken back when there is no click to give.
   */
  function decorate(url: string, el: Element & { [OURS]?: string }): string | undefined {
    note()
    const id = clickId()
    try {
      const { hostname, protocol, searchParams } = absolute(url)
      // Web pages only: not mailto:, javascript:, blob: or about:blank.
      if (!/^https?:$/.test(protocol)) return
      if (stripe && hostname == 'buy.stripe.com') {
        const own = searchParams.get('client_reference_id')
        if (id && mine(el, own, id)) return withParam(url, 'client_reference_id', id)
        if (!id && own != null && own == el[OURS]) return withParam(url, 'client_reference_id')
      } else if (linked(hostname)) {
        if (id) return withParam(url, LINK_PARAM, JSON.stringify([program, id, readCookie(PARTNER_COOKIE)!, +readCookie(CLICK_AT_COOKIE)! || 0, Date.now()] as Carried))
        if (searchParams.has(LINK_PARAM)) return withParam(url, LINK_PARAM)
      }
    } catch {}
  }

  /**
   * Decorates the link, or the form, an event is about, just before the browser follows it. A GET
   * form's action loses its query on submit: the attribution goes in a hidden field there.
   */
  function follow(event: Event) {
    try {
      if (event.type == 'submit') {
        const form = event.target as HTMLFormElement
        // A submit button may send the form elsewhere, and by another method.
        const submitter = (event as SubmitEvent).submitter
        const own = submitter?.hasAttribute('formaction') ? submitter : form
        const name = own == form ? 'action' : 'formaction'
        const url = decorate(own.getAttribute(name) || location.href, form)
        if (url == null) return
        const post = /^post$/i.test(submitter?.getAttribute('formmethod') || form.getAttribute('method') || '')
        if (post) return own.setAttribute(name, url)
        let field = form.querySelector<HTMLInputElement>(`input[name=${LINK_PARAM}]`)
        const value = absolute(url).searchParams.get(LINK_PARAM)
        if (value == null) return field?.remove()
        field ||= form.appendChild(Object.assign(document.createElement('input'), { type: 'hidden', name: LINK_PARAM }))
        field.value = value
      } else
        for (const el of event.composedPath() as HTMLAnchorElement[])
          // `<a>` and `<area>` with an href (an SVG link's tag is `a`, in lower case).
          if (/^(A|AREA)$/.test(el.tagName) && el.hasAttribute('href')) {
            const url = decorate(el.href, el)
            if (url) el.href = url
            return
          }
    } catch {}
  }

  /**
   * Iframes and Stripe's elements in `root`. An iframe loads as it appears: it is given the
   * attribution then (`added`), or on start in place of its page, never reloaded later.
   */
  function scan(root: Element | Document, added?: unknown) {
    const id = clickId()
    if (id)
      for (const el of [root, ...root.querySelectorAll(ELEMENTS)] as Array<HTMLIFrameElement & { [OURS]?: string }>)
        if (el.matches?.(ELEMENTS)) {
          if (el.localName == 'iframe') {
            const src = el.getAttribute('src')!
            const url = added && !src.includes(LINK_PARAM) ? decorate(src, el) : undefined
            // A frame the page may not navigate (sandboxed) throws: it keeps its page.
            try {
              if (url) added == 1 ? el.setAttribute('src', url) : el.contentWindow?.location.replace(url)
            } catch {}
          } else if (stripe) {
            const own = el.getAttribute('client-reference-id')
            if (own != id && mine(el, own, id)) el.setAttribute('client-reference-id', id)
          }
        }
  }

  /**
   * Keeps `affitor_click_at` with the stored click: when a click is stored while this page is open
   * (its landing, a retry, after consent), that is when it was made; gone when the click is. And
   * adopts a carried click waiting for consent.
   */
  function note() {
    const id = readCookie(CLICK_COOKIE)
    if (id != known) id ? consented() && cookies.set(CLICK_AT_COOKIE, '' + Date.now(), DEFAULT_WINDOW_DAYS) : cookies.remove(CLICK_AT_COOKIE)
    known = id
    if (waiting != null) adopt()
  }

  /** After a click may have been stored (this page's landing, a SPA's): its time, and the elements. */
  function refresh() {
    // A microtask later: the tracker may start in the same task, just after this.
    if (!stopped)
      Promise.resolve()
        .then(() => (window as { __affitor?: Record<string, unknown> }).__affitor?.[program])
        .then(() => {
          note()
          scan(document)
        })
        .catch(() => {})
  }

  /**
   * Stores the carried click, or refuses it: either way it leaves the address bar, unless it is
   * another program's (its own tracker may be in the page) or waits for consent.
   */
  function adopt() {
    try {
      const [from, id, code, at, sent] = JSON.parse(waiting!) as Carried
      const now = Date.now()
      if (from !== program) return (waiting = null)
      if (!consented()) return
      waiting = null
      removeParam(location.href, [LINK_PARAM])
      const days = DEFAULT_WINDOW_DAYS - (now - at) / DAY
      const stored = readCookie(CLICK_COOKIE)
      let referrer = ''
      try {
        referrer = new URL(document.referrer).hostname
      } catch {}
      if (
        // From a page of the link domains, and made there minutes ago, as the visitor followed the link.
        linked(referrer) &&
        CLICK_ID.test(id) &&
        (code == null || PARTNER_CODE.test(code)) &&
        at <= now + 60_000 &&
        days > 0 &&
        now - sent < LINK_TTL &&
        sent < now + 60_000 &&
        // Last click wins: a click stored here at that time or later stays.
        !(stored && (stored == id || +readCookie(CLICK_AT_COOKIE)! >= at))
      ) {
        cookies.set(CLICK_COOKIE, id, days)
        code ? cookies.set(PARTNER_COOKIE, code, days) : cookies.remove(PARTNER_COOKIE)
        cookies.set(CLICK_AT_COOKIE, '' + at, days)
        known = id
      }
    } catch {
      waiting = null
      removeParam(location.href, [LINK_PARAM])
    }
  }

  if (waiting != null) adopt()
  const listeners: Array<[string, (event: Event) => void]> = [['pointerdown', follow], ['click', follow], ['submit', follow], ['pagehide', note]]
  for (const [type, listener] of listeners) addEventListener(type, listener, true)
  const observer = new MutationObserver((changes) => {
    try {
      for (const { type, target, addedNodes } of changes) for (const node of type == 'attributes' ? [target] : addedNodes) node.nodeType == 1 && scan(node as Element, 1)
    } catch {}
  })
  observer.observe(document, { childList: true, subtree: true, attributeFilter: ['src'] })
  // The iframes already there: in place of the page they are loading or loaded.
  scan(document, 2)
  watchNavigation(refresh)
  refresh()
  return () => {
    stopped = 1
    delete following[program]
    for (const [type, listener] of listeners) removeEventListener(type, listener, true)
    observer.disconnect()
  }
}

/** The client reference this script gave an element, replaced as the click changes: the page's own never is. */
const OURS = Symbol()

/** Whether `el`, whose client reference is `own`, should get `id` as one; if so, `id` is recorded as this script's. */
function mine(el: Element & { [OURS]?: string }, own: string | null, id: string): string | false {
  return (own == null || own == el[OURS]) && STRIPE_REFERENCE.test(id) && (el[OURS] = id)
}

const absolute = (url: string) => new URL(url, document.baseURI)

/** `url` with `name=value` as its last query parameter (none without `value`), the other parameters kept as written. */
function withParam(url: string, name: string, value?: string): string {
  const clean = withoutParams(absolute(url).href, (other) => other == name)
  if (value != null) clean.search += (clean.search ? '&' : '') + name + '=' + encodeURIComponent(value)
  return clean.href
}
