import Cookies from 'js-cookie'
import type { Logger } from './debug'

export { CLICK_COOKIE, PARTNER_COOKIE } from '../cookie-names'
/** Cookie holding the tag (see `keyTag`) of the last customer key whose lead was delivered. */
export const LEAD_COOKIE = 'affitor_lead'
/** Session cookie holding the visit's `session_id`, shared by the site's subdomains. */
export const SESSION_COOKIE = 'affitor_session_id'

const PROBE_COOKIE = 'affitor_probe'

/**
 * The tracker's way to write cookies on the site's shared domain: nothing here throws.
 * Reading is {@link readCookie}.
 */
export interface CookieStorage {
  /**
   * The `Domain` attribute in use, or `undefined` for a host-only cookie; known after the first
   * write. Kept for the debug log and `getState()`: development builds only.
   */
  domain?: string
  /** Writes a cookie that lives `days` days (a session cookie without `days`); returns `value`. */
  set(name: string, value: string, days?: number): string
  /** Deletes a cookie. */
  remove(name: string): void
}

/**
 * The cookies as `document.cookie` last listed them. Parsing it is synchronous main-thread work
 * (the largest single cost of a landing, profiled in Chromium), so it is read once per task and
 * later reads in the same task are served from here, updated by the tracker's own writes.
 */
let jar: Record<string, string> | undefined

/** Makes the next {@link readCookie} read `document.cookie` again: after an answer that may have set cookies. */
export function forgetCookies(): void {
  jar = undefined
}

/**
 * Reads one cookie; `undefined` when it is missing, unreadable, or there is no document.
 * `document.cookie` is read at most once per task: later reads in the same task get what that
 * one found, with the tracker's own writes since.
 */
export function readCookie(name: string): string | undefined {
  if (!jar) {
    // No prototype: a name the page put on Object.prototype is no cookie.
    jar = { __proto__: null } as unknown as Record<string, string>
    try {
      // Split here rather than by js-cookie's get(), which reads document.cookie twice; each
      // value decoded by js-cookie's converter, the first of a name winning, as get() does.
      for (const pair of document.cookie.split('; ')) {
        const [key, ...value] = pair.split('=')
        try {
          jar[decodeURIComponent(key)] ??= Cookies.converter.read(value.join('='), key)
        } catch {
          // A name that is no valid percent-encoding: skipped, as js-cookie skips it.
        }
      }
    } catch {
      // document.cookie throws in sandboxed frames without allow-same-origin.
    }
    // Read again in the next task: another tab, a subdomain or the server may have changed them.
    setTimeout(forgetCookies)
  }
  return jar[name]
}

/**
 * Writes `name` on `domain` (host-only without one) for `days` days: a session cookie without
 * `days`, a deletion with a negative number. `path=/`, `SameSite=Lax`, `Secure` on https.
 * Never throws.
 */
export function writeCookie(name: string, value: string, days?: number, domain?: string): void {
  try {
    // js-cookie copies and writes every enumerable key of its attributes, inherited ones too
    // (`for…in`): an enumerable function on Object.prototype would make every write throw, and
    // any other value would become a cookie attribute. Each such key is shadowed here by an own
    // `undefined`, which js-cookie skips.
    const attributes: Cookies.CookieAttributes = {}
    for (const key in attributes) attributes[key as keyof typeof attributes] = undefined
    Cookies.set(name, value, Object.assign(attributes, { path: '/', sameSite: 'Lax', secure: location.protocol == 'https:', expires: days, domain }))
    // As js-cookie wrote it: any value as text.
    if (jar) days! < 0 ? delete jar[name] : (jar[name] = '' + value)
  } catch {
    // document.cookie throws in sandboxed frames without allow-same-origin.
  }
}

/**
 * The broadest domain that accepts a cookie, probed from the registrable domain down:
 * browsers refuse a cookie on a public suffix (`co.uk`, `github.io`), so the first candidate
 * they keep is the site's own registrable domain, shared by `www.` and `app.`.
 *
 * Hosts without a dot (`localhost`, `[::1]`) and IPv4 addresses (a last label of digits, as the
 * URL standard reads one) probe nothing and get host-only cookies: browsers refuse every
 * `Domain` on an IP address but the address itself (RFC 6265 §5.1.3), which is host-only anyway.
 */
export function detectCookieDomain(hostname: string): string | undefined {
  const labels = hostname.split('.')
  // From the last two labels (a bare top-level domain is a public suffix) to the whole host.
  if (!/\.\d+$/.test(hostname)) for (let i = labels.length - 1; i--; ) {
    const domain = labels.slice(i).join('.')
    writeCookie(PROBE_COOKIE, domain, undefined, domain)
    // Whether the browser kept it shows only in document.cookie itself.
    forgetCookies()
    if (readCookie(PROBE_COOKIE) == domain) {
      writeCookie(PROBE_COOKIE, '', -1, domain)
      return domain
    }
  }
}

/**
 * Cookie storage for the current page, on `cookieDomain` when given, else on the detected
 * broadest domain. Nothing is written, not even the probe that detects the domain, before the
 * first `set` or `remove`.
 */
export function createCookieStorage(cookieDomain?: string, log?: Logger): CookieStorage {
  // `null` until the first write decides it, so that a page waiting for consent gets no probe cookie either.
  let domain: string | undefined | null = null
  const write = (name: string, value: string, days?: number) => {
    if (domain === null) {
      domain = cookieDomain || detectCookieDomain(location.hostname)
      if (__DEV__) {
        storage.domain = domain
        // Said once the domain is decided, after the write that decided it.
        setTimeout(() => log?.('cookie domain:', domain || '(host-only)', `(${domainReason(cookieDomain, domain)})`))
      }
    }
    writeCookie(name, value, days, domain)
    return value
  }
  const storage: CookieStorage = {
    set: write,
    remove: (name) => write(name, '', -1),
  }
  return storage
}

/** Why the cookies got `domain`, for the debug log. */
function domainReason(option: string | undefined, domain: string | undefined | null): string {
  if (option) return 'the cookieDomain option'
  return domain ? 'the broadest domain this browser accepted' : 'no domain accepted: localhost, an IP address, or cookies refused'
}
