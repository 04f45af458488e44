import Cookies from 'js-cookie'
import type { Logger } from './debug'

export { CLICK_COOKIE, PARTNER_COOKIE } from '../cookie-names'
/** Cookie holding the tag (see `keyTag`) of the last customer key whose lead was delivered. */
export const LEAD_COOKIE = 'affitor_lead'
/** Session cookie holding the visit's `session_id`, shared by the site's subdomains. */
export const SESSION_COOKIE = 'affitor_session_id'

const PROBE_COOKIE = 'affitor_probe'

/**
 * The tracker's way to write cookies: attributes are decided once, nothing here throws.
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
  try {
    for (let i = labels.length - 1; i--; ) {
      const domain = labels.slice(i).join('.')
      Cookies.set(PROBE_COOKIE, domain, { domain })
      if (readCookie(PROBE_COOKIE) == domain) {
        Cookies.remove(PROBE_COOKIE, { domain })
        return domain
      }
    }
  } catch {
    // Cookies blocked: no domain to find.
  }
}

/**
 * Cookie storage for the current page: `path=/`, `SameSite=Lax`, `Secure` on https,
 * on `cookieDomain` when given, else on the detected broadest domain. Nothing is written,
 * not even the probe that detects the domain, before the first `set` or `remove`.
 */
export function createCookieStorage(cookieDomain?: string, log?: Logger): CookieStorage {
  let jar: typeof Cookies | undefined
  // Built on first use, so that a page waiting for consent gets no probe cookie either.
  const cookies = () => {
    if (!jar) {
      const domain = cookieDomain || detectCookieDomain(location.hostname)
      if (__DEV__) {
        storage.domain = domain
        // Said once the domain is decided, after the write that decided it.
        setTimeout(() => log?.('cookie domain:', domain || '(host-only)', `(${domainReason(cookieDomain, domain)})`))
      }
      // js-cookie's default attributes already hold `path=/`.
      jar = Cookies.withAttributes({ sameSite: 'Lax', secure: location.protocol == 'https:', domain })
    }
    return jar
  }
  const storage: CookieStorage = {
    set(name, value, days) {
      attempt(() => cookies().set(name, value, { expires: days }))
      return value
    },
    remove(name) {
      attempt(() => cookies().remove(name))
    },
  }
  return storage
}

/** Why the cookies got `domain`, for the debug log. */
function domainReason(option: string | undefined, domain: string | undefined): string {
  if (option) return 'the cookieDomain option'
  return domain ? 'the broadest domain this browser accepted' : 'no domain accepted: localhost, an IP address, or cookies refused'
}

/** Runs `write`, ignoring what it throws: `document.cookie` in a sandboxed frame. */
function attempt(write: () => unknown): void {
  try {
    write()
  } catch {}
}
