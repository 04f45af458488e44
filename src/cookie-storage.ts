import Cookies from 'js-cookie'
import type { Logger } from './debug'

export { CLICK_COOKIE, PARTNER_COOKIE } from './cookie-names'
/** Cookie holding the tag (see `keyTag`) of the last customer key whose lead was delivered. */
export const LEAD_COOKIE = 'affitor_lead'
/** Session cookie holding the visit's `session_id`, shared by the site's subdomains. */
export const SESSION_COOKIE = 'affitor_session_id'

const PROBE_COOKIE = 'affitor_probe'

/**
 * The tracker's only way to cookies: attributes are decided once, nothing here throws.
 *
 * Cookies that outlive the session are mirrored in localStorage under the same name, with
 * their expiry: when the cookie is gone (cleared by the visitor, blocked, capped by the
 * browser) while the mirror is still valid, reading restores the value and writes the cookie
 * again. localStorage is per origin, so a mirror helps the subdomain that wrote it.
 */
export interface CookieStorage {
  /** The `Domain` attribute in use, or `undefined` for a host-only cookie; known after the first write. */
  domain: string | undefined
  /** The cookie's value, else its valid localStorage mirror (which restores the cookie), else `undefined`. */
  get(name: string): string | undefined
  /** Writes a cookie that lives `days` days (a session cookie without `days`), and its mirror; returns `value`. */
  set(name: string, value: string, days?: number): string
  /** Deletes a cookie and its mirror. */
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
 * not even the probe that detects the domain, before the first `set` or `remove`, or a `get`
 * that restores a copy, which happens only while `restore()` says so (with consent).
 */
export function createCookieStorage(cookieDomain?: string, restore = () => true, log?: Logger): CookieStorage {
  let jar: typeof Cookies | undefined
  // Built on first use, so that a page waiting for consent gets no probe cookie either.
  const cookies = () => {
    // Said once the domain is decided, below.
    if (__DEV__ && !jar) setTimeout(() => log?.('cookie domain:', storage.domain || '(host-only)', `(${domainReason(cookieDomain, storage.domain)})`))
    // js-cookie's default attributes already hold `path=/`.
    return (jar ||= Cookies.withAttributes({
      sameSite: 'Lax',
      secure: location.protocol == 'https:',
      domain: (storage.domain = cookieDomain || detectCookieDomain(location.hostname)),
    }))
  }
  const storage: CookieStorage = {
    domain: cookieDomain,
    get(name) {
      const value = readCookie(name)
      if (value) return value
      try {
        const [saved, until] = JSON.parse(localStorage.getItem(name)!)
        const days = (until - Date.now()) / 864e5
        if (days > 0 && typeof saved == 'string' && restore()) return storage.set(name, saved, days)
      } catch {
        // No mirror, storage disabled, or garbage in it.
      }
    },
    set(name, value, days) {
      attempt(() => cookies().set(name, value, { expires: days }))
      // Written even when the cookie is refused: then the mirror is all there is.
      if (days) attempt(() => localStorage.setItem(name, JSON.stringify([value, Date.now() + days * 864e5])))
      return value
    },
    remove(name) {
      attempt(() => cookies().remove(name))
      attempt(() => localStorage.removeItem(name))
    },
  }
  return storage
}


/** Why the cookies got `domain`, for the debug log. */
function domainReason(option: string | undefined, domain: string | undefined): string {
  if (option) return 'the cookieDomain option'
  return domain ? 'the broadest domain this browser accepted' : 'no domain accepted: localhost, an IP address, or cookies refused'
}

/** Runs `write`, ignoring what it throws: `document.cookie` in a sandboxed frame, localStorage when disabled or full. */
function attempt(write: () => unknown): void {
  try {
    write()
  } catch {}
}
