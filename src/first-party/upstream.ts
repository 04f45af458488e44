import type { NormalizedFirstPartyOptions } from './options'
import { readCapped } from './read-capped'
import type { EventKind } from './routes'

/**
 * The browser's request headers passed on to the tracking API, which records them with the
 * event. `cookie` and `authorization` are never passed: they hold the site's own sessions.
 */
const PASSED_HEADERS = ['user-agent', 'accept-language', 'origin', 'referer'] as const

/** What the tracking API answered: its status, its body as sent, and that body parsed. */
export interface UpstreamAnswer {
  status: number
  text: string
  data: unknown
}

/** Why nothing usable came back from the tracking API: the message of the 502 to answer. */
export interface UpstreamFailure {
  error: string
}

/**
 * The visitor's address chain for `X-Forwarded-For`: the request's own `X-Forwarded-For`,
 * with `X-Real-IP` appended unless it is already the last entry; `undefined` when neither is
 * set. A Fetch API `Request` does not carry the peer's address, so it comes from the proxy in
 * front of the site, or from `toNodeHandler`, which gives the socket's when there is neither.
 * A browser may send these headers too: the address is a hint, as behind any proxy.
 */
export function forwardedFor(headers: Headers): string | undefined {
  const chain = (headers.get('x-forwarded-for') || '')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean)
  const realIp = (headers.get('x-real-ip') || '').trim()
  if (realIp && chain[chain.length - 1] != realIp) chain.push(realIp)
  return chain.length ? chain.join(', ') : undefined
}

/** The headers of the forwarded event: JSON, the visitor's {@link PASSED_HEADERS} and address, nothing else. */
export function upstreamHeaders(headers: Headers): Record<string, string> {
  const passed: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
  for (const name of PASSED_HEADERS) {
    const value = headers.get(name)
    if (value) passed[name] = value
  }
  const chain = forwardedFor(headers)
  if (chain) passed['x-forwarded-for'] = chain
  return passed
}

/**
 * Posts an event's JSON `body` to `${apiBase}/api/v1/track/<kind>` and reads the answer, within
 * `timeout` milliseconds. Resolves with the answer when it is JSON, whatever its status, and
 * with a {@link UpstreamFailure} otherwise (network error, timeout, a proxy's HTML error page).
 * Never rejects.
 */
export async function forwardEvent(options: NormalizedFirstPartyOptions, kind: EventKind, body: string, headers: Record<string, string>): Promise<UpstreamAnswer | UpstreamFailure> {
  const { fetch, timeout } = options
  try {
    // The signal covers reading the answer too: a stalled body times out like a stalled connection.
    // No redirect is followed: the event and the visitor's headers go to the tracking API only.
    const response = await fetch(`${options.apiBase}/api/v1/track/${kind}`, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeout) })
    const text = await readAnswer(response)
    if (text === undefined) return { error: `Tracking API answered more than ${MAX_ANSWER_BYTES} bytes` }
    try {
      return { status: response.status, text, data: JSON.parse(text) }
    } catch {
      return { error: `Tracking API answered ${response.status} without JSON` }
    }
  } catch (error) {
    if ((error as Error)?.name == 'TimeoutError') return { error: `Tracking API did not answer within ${timeout} ms` }
    return { error: `Tracking API unreachable: ${(error as Error)?.message || String(error)}` }
  }
}

/** The largest answer relayed from the tracking API, in bytes: its answers are a few hundred. */
export const MAX_ANSWER_BYTES = 64 * 1024

/** The answer's text, read up to {@link MAX_ANSWER_BYTES}; `undefined` (and the rest unread) beyond. */
async function readAnswer(response: Response): Promise<string | undefined> {
  const bytes = await readCapped(response.body, MAX_ANSWER_BYTES)
  return bytes && new TextDecoder().decode(bytes)
}
