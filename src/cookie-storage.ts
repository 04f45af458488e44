import Cookies from 'js-cookie'

/** Cookie holding the click id returned by the tracking API. */
export const CLICK_COOKIE = 'affitor_click_id'
/** Cookie holding the partner code the stored click belongs to. */
export const PARTNER_COOKIE = 'affitor_partner_code'
/** Cookie holding tags (see `keyTag`) of the last customer keys whose leads were delivered. */
export const LEAD_COOKIE = 'affitor_lead'
/** Session cookie holding the visit's `session_id`, shared by the site's subdomains. */
export const SESSION_COOKIE = 'affitor_session_id'

const PROBE_COOKIE = 'affitor_probe'

/** The tracker's only way to cookies: attributes are decided once, nothing here throws. */
export interface CookieStorage {
  /** The `Domain` attribute in use, or `undefined` for a host-only cookie. */
  domain: string | undefined
  get(name: string): string | undefined
  /** Writes a cookie that lives `days` days (a session cookie without `days`); returns `value`. */
  set(name: string, value: string, days?: number): string
}

/** Reads one cookie; `undefined` when it is missing, unreadable, or there is no document. */
export function readCookie(name: string): string | undefined {
  try {
    return Cookies.get(name)
  } catch {
    // document.cookie throws in sandboxed frames without allow-same-origin.
  }
}

/**
 * The broadest domain that accepts a cookie, probed from the registrable domain down:
 * browsers refuse a cookie on a public suffix (`co.uk`, `github.io`), so the first candidate
 * they keep is the site's own registrable domain, shared by `www.` and `app.`.
 *
 * Hosts without a dot (`localhost`, `[::1]`) probe nothing and get host-only cookies. On an
 * IPv4 host browsers refuse every suffix (RFC 6265 §5.1.3: no domain matching for IP
 * addresses) and keep only the address itself, which they store as a host-only cookie.
 */
export function detectCookieDomain(hostname: string): string | undefined {
  const labels = hostname.split('.')
  for (let i = labels.length - 2; i >= 0; i--) {
    const domain = labels.slice(i).join('.')
    Cookies.set(PROBE_COOKIE, domain, { domain })
    if (readCookie(PROBE_COOKIE) == domain) {
      Cookies.remove(PROBE_COOKIE, { domain })
      return domain
    }
  }
}

/**
 * Cookie storage for the current page: `path=/`, `SameSite=Lax`, `Secure` on https,
 * on `cookieDomain` when given, else on the detected broadest domain.
 */
export function createCookieStorage(cookieDomain?: string): CookieStorage {
  let domain = cookieDomain
  try {
    domain ||= detectCookieDomain(location.hostname)
  } catch {}
  const cookies = Cookies.withAttributes({ path: '/', sameSite: 'Lax', secure: location.protocol == 'https:', domain })
  return {
    domain,
    get: readCookie,
    set(name, value, days) {
      try {
        cookies.set(name, value, { expires: days })
      } catch {}
      return value
    },
  }
}
