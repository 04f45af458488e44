import { CLICK_COOKIE, COOKIE_DOMAIN_HEADER, cookieDomainFor, cookieMaxAge, PARTNER_COOKIE, partnerCodeOf, serializeCookie } from './cookies'
import { normalizeFirstPartyOptions, type FirstPartyOptions, type NormalizedFirstPartyOptions } from './options'
import { parseEventBody, readBodyText, RequestError } from './request-body'
import { routeOf } from './routes'
import { forwardEvent, upstreamHeaders } from './upstream'

/**
 * A Fetch API request handler: Next.js route handlers, Hono, Cloudflare Workers, Deno, Bun.
 * `mount` is the normalised path prefix it answers under (`""` for the site's root).
 */
export interface FirstPartyHandler {
  (request: Request): Promise<Response>
  readonly mount: string
}

/**
 * Creates the first-party endpoint: a request handler the site mounts on its own origin, to
 * which the browser tracker sends its events (its `apiBase` set to the mount, `/_affitor` by
 * default). Safari (ITP) keeps a cookie written by page scripts at most 7 days, and blockers
 * drop requests to tracking hosts; a cookie set by the site's own server in an answer from
 * its own origin keeps the attribution window, and the request is the site's.
 *
 * It answers `POST {mount}/api/v1/track/click` and `POST {mount}/api/v1/track/lead`: the JSON
 * object body (64 KiB at most) is forwarded to `${apiBase}/api/v1/track/…` with the visitor's
 * `User-Agent`, `Accept-Language`, `Origin`, `Referer` and `X-Forwarded-For` (never its
 * `Cookie` or `Authorization`), and the API's status and JSON answer are passed back. A
 * recorded click is answered with the cookies `affitor_click_id` and `affitor_partner_code`
 * (`Path=/`, `SameSite=Lax`, `Secure` on https, readable by the tracker), living the click's
 * `cookie_window_days` (60 days without one).
 *
 * Their `Domain` is the `cookieDomain` option, else one the client names in the
 * `X-Affitor-Cookie-Domain` header when the request's host is that domain or under it, else
 * the host's registrable domain, where the browser tracker writes its own copy (see
 * `cookieDomainFor`), else none: host-only cookies.
 *
 * It never throws nor rejects: a wrong method on an event path is answered 405, any other path
 * 404, a body that is not a JSON object 400, one too large 413, an API that cannot be reached
 * or does not answer within `timeout` 502 (the browser tracker keeps the event and retries).
 * Route only the mount to it; the node adapter passes other paths on (see `toNodeHandler`).
 * Throws a `TypeError` at creation for invalid options.
 *
 * @example
 * // Next.js: app/%5Faffitor/[...path]/route.ts (a folder named `_affitor` would be private, not routed)
 * import { createFirstPartyHandler } from 'affitor-tracker/first-party'
 * export const POST = createFirstPartyHandler()
 * // and in the page: init({ programId: 123, apiBase: '/_affitor' })
 */
export function createFirstPartyHandler(options?: FirstPartyOptions): FirstPartyHandler {
  const opts = normalizeFirstPartyOptions(options)
  const handler = async (request: Request): Promise<Response> => {
    try {
      return await answer(request, opts)
    } catch (error) {
      if (error instanceof RequestError) return failure(error.status, error.message)
      return failure(500, 'Internal error')
    }
  }
  return Object.assign(handler, { mount: opts.mount })
}

async function answer(request: Request, opts: NormalizedFirstPartyOptions): Promise<Response> {
  const url = new URL(request.url)
  const route = routeOf(url.pathname, opts.mount)
  if (route == 'outside' || route == 'unknown') {
    return failure(404, `Not found: this endpoint answers POST ${opts.mount}/api/v1/track/click and POST ${opts.mount}/api/v1/track/lead`)
  }
  if (request.method != 'POST') return failure(405, `Method ${request.method} not allowed: use POST`, { allow: 'POST' })

  const text = await readBodyText(request)
  const body = parseEventBody(text)
  const upstream = await forwardEvent(opts, route, text, upstreamHeaders(request.headers))
  if ('error' in upstream) return failure(502, upstream.error)

  const headers = jsonHeaders()
  if (route == 'click') for (const cookie of clickCookies(request, url, body, upstream.status, upstream.data, opts)) headers.append('set-cookie', cookie)
  return new Response(upstream.text, { status: upstream.status, headers })
}

/** The `Set-Cookie` values for a click's answer: none unless the click was recorded. */
function clickCookies(request: Request, url: URL, body: Record<string, unknown>, status: number, data: unknown, opts: NormalizedFirstPartyOptions): string[] {
  const answer = (typeof data == 'object' && data ? data : {}) as { success?: unknown; click_id?: unknown; cookie_window_days?: unknown }
  const { click_id: clickId } = answer
  if (status < 200 || status > 299 || answer.success === false || typeof clickId != 'string' || !clickId) return []
  const forwardedProto = (request.headers.get('x-forwarded-proto') || '').split(',')[0].trim().toLowerCase()
  const attributes = {
    domain: cookieDomainFor(url.hostname, request.headers.get(COOKIE_DOMAIN_HEADER), opts.cookieDomain),
    maxAge: cookieMaxAge(answer.cookie_window_days),
    secure: url.protocol == 'https:' || forwardedProto == 'https',
  }
  const cookies = [serializeCookie(CLICK_COOKIE, clickId, attributes)]
  const code = partnerCodeOf(body.affiliate_url, opts.param)
  if (code) cookies.push(serializeCookie(PARTNER_COOKIE, code, attributes))
  return cookies
}

/** The headers of every answer: JSON, kept by no cache. */
function jsonHeaders(extra: Record<string, string> = {}): Headers {
  return new Headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra })
}

/** An error answer: `{"error": message}`, as the protocol's errors read. */
function failure(status: number, message: string, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify({ error: message }), { status, headers: jsonHeaders(headers) })
}
