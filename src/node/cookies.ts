import { CLICK_COOKIE } from '../cookie-names'

/** Anything that carries a `Cookie` header: its value, a Node request, or a Fetch API `Request`. */
export type CookieSource =
  | string
  | null
  | undefined
  | { headers: { cookie?: string | string[] } | { get(name: string): string | null } }

/**
 * The value of cookie `name` in a request's `Cookie` header, percent-decoded, or `null` when
 * it is missing or empty. Accepts the header itself, a Node `IncomingMessage` (Express,
 * Fastify's `raw`), or a Fetch `Request` (Next.js route handlers, Hono, Workers).
 */
export function readRequestCookie(source: CookieSource, name: string): string | null {
  const headers = typeof source == 'object' && source ? source.headers : undefined
  let header = typeof source == 'string' ? source : headers && 'get' in headers && typeof headers.get == 'function' ? headers.get('cookie') : (headers as { cookie?: string | string[] })?.cookie
  if (Array.isArray(header)) header = header.join('; ')
  for (const pair of (header || '').split(';')) {
    const at = pair.indexOf('=')
    if (at < 0 || pair.slice(0, at).trim() != name) continue
    const value = pair.slice(at + 1).trim().replace(/^"(.*)"$/, '$1')
    try {
      return decodeURIComponent(value) || null
    } catch {
      // Malformed percent-encoding: the raw value.
      return value || null
    }
  }
  return null
}

/**
 * The visitor's click id (cookie `affitor_click_id`) from a request, or `null`.
 *
 * @example
 * app.post('/signup', async (req, res) => {
 *   await affitor.trackLead({ customer_key: user.id, email: user.email, click_id: readClickId(req) })
 * })
 */
export function readClickId(source: CookieSource): string | null {
  return readRequestCookie(source, CLICK_COOKIE)
}
