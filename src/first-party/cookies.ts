import { getDomain } from 'tldts'
import { readPartnerCode } from '../partner-code'
import { DEFAULT_WINDOW_DAYS } from '../cookie-names'
import { DOMAIN_PATTERN } from './options'

export { CLICK_COOKIE, PARTNER_COOKIE } from '../cookie-names'
/** The request header in which a client may tell the broadest cookie domain it found (see `cookieDomainFor`). */
export const COOKIE_DOMAIN_HEADER = 'x-affitor-cookie-domain'
/** The cookies' lifetime in days when the click's answer gives none: the protocol's window. */
export const DEFAULT_COOKIE_DAYS = DEFAULT_WINDOW_DAYS
/** Chrome keeps a cookie at most 400 days (RFC 6265bis): a longer `Max-Age` is cut to it. */
const MAX_COOKIE_DAYS = 400
/** A name whose last label is a number: an IPv4 address, as URL parsers read one. */
const NUMERIC_TOP = /(?:^|\.)\d+$/

/** The attributes shared by the cookies of one answer. */
export interface CookieAttributes {
  /** `Domain`, or `undefined` for a host-only cookie. */
  domain?: string
  /** Lifetime in whole seconds. */
  maxAge: number
  secure: boolean
}

/**
 * One `Set-Cookie` header value: `Path=/`, `SameSite=Lax`, not `HttpOnly` (the browser
 * tracker reads these cookies), the value percent-encoded as js-cookie writes it.
 */
export function serializeCookie(name: string, value: string, { domain, maxAge, secure }: CookieAttributes): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAge}${domain ? '; Domain=' + domain : ''}; SameSite=Lax${secure ? '; Secure' : ''}`
}

/**
 * The partner code in the `param` query parameter of `affiliateUrl`, trimmed, or `null` when
 * the URL is not absolute or the code is absent, longer than 64 characters, or holds other
 * characters than `A-Z a-z 0-9 _ . ~ -`: the browser tracker's rule.
 */
export function partnerCodeOf(affiliateUrl: unknown, param: string): string | null {
  if (typeof affiliateUrl != 'string') return null
  try {
    return readPartnerCode(affiliateUrl, [param])
  } catch {
    return null
  }
}

/** `cookie_window_days` of a click's answer in seconds when it is a positive number, else {@link DEFAULT_COOKIE_DAYS}. */
export function cookieMaxAge(windowDays: unknown): number {
  const days = typeof windowDays == 'number' && windowDays > 0 && Number.isFinite(windowDays) ? Math.min(windowDays, MAX_COOKIE_DAYS) : DEFAULT_COOKIE_DAYS
  return Math.max(1, Math.round(days * 86_400))
}

/**
 * The `Domain` for cookies answered to a request for `host`: `configured` when set, else the
 * client's `hint` when `host` vouches for it, else `host`'s registrable domain by the public
 * suffix list (`shop.co.uk` for `www.shop.co.uk`, `shop.github.io` for a GitHub Pages site),
 * else `undefined` (host-only: `localhost`, an IP address).
 *
 * The registrable domain is where the browser tracker writes its own copy (it probes for the
 * broadest domain the browser accepts, which is that one), so the server's cookie and the
 * script's are one cookie, which `revokeConsent()` deletes. A hint (the domain a browser found
 * by probing) is taken only when it is `host` itself or a parent of it, holds a dot and is no
 * IP address (RFC 6265 §5.1.3: no domain matching for addresses) and no public suffix
 * (`co.uk`, `github.io`, `vercel.app`), so that a request cannot place a cookie on another site,
 * on a top-level domain, or on a domain every browser refuses.
 */
export function cookieDomainFor(host: string, hint: string | null, configured?: string): string | undefined {
  if (configured) return configured
  const domain = (hint || '').trim().toLowerCase().replace(/^\./, '')
  host = host.toLowerCase()
  if (NUMERIC_TOP.test(host) || host.includes(':')) return undefined
  // The private section too (github.io, vercel.app): browsers keep it, as they refuse a cookie there.
  const registrable = (name: string) => getDomain(name, { allowPrivateDomains: true })
  const vouched = domain.includes('.') && DOMAIN_PATTERN.test(domain) && !NUMERIC_TOP.test(domain) && (host == domain || host.endsWith('.' + domain)) && !!registrable(domain)
  return vouched ? domain : registrable(host) || undefined
}
