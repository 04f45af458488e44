/** One request a fake tracking API received. */
export interface ReceivedCall {
  url: string
  method: string
  headers: Headers
  body: string
}

/** What a fake tracking API answers: a status and a JSON body, or its raw text. */
export type FakeAnswer = { status: number; body?: unknown; text?: string }

/**
 * A `fetch` standing in for the tracking API: answers with `answer(call)` and records each call.
 * `answer` may throw (a network error) or return `'hang'` (no answer until the signal aborts).
 */
export function fakeUpstream(answer: (call: ReceivedCall) => FakeAnswer | 'hang' = () => ({ status: 200, body: { success: true, click_id: 'clk_fake', cookie_window_days: 60 } })) {
  const calls: ReceivedCall[] = []
  const fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const call = { url: input, method: init.method ?? 'GET', headers: new Headers(init.headers), body: String(init.body ?? '') }
    calls.push(call)
    const reply = answer(call)
    if (reply == 'hang') {
      return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal!.reason)))
    }
    return new Response(reply.text ?? JSON.stringify(reply.body ?? {}), { status: reply.status, headers: { 'content-type': 'application/json' } })
  }
  return { fetch, calls }
}

/** A `Set-Cookie` value taken apart: name, value and attributes by lower-case name (`true` for a flag). */
export function parseSetCookie(header: string): { name: string; value: string; attributes: Record<string, string | true> } {
  const [pair, ...rest] = header.split(';').map((part) => part.trim())
  const at = pair.indexOf('=')
  const attributes: Record<string, string | true> = {}
  for (const part of rest) {
    const eq = part.indexOf('=')
    if (eq < 0) attributes[part.toLowerCase()] = true
    else attributes[part.slice(0, eq).toLowerCase()] = part.slice(eq + 1)
  }
  return { name: pair.slice(0, at), value: pair.slice(at + 1), attributes }
}

/** The cookies an answer sets, by name. */
export function cookiesOf(response: Response): Record<string, ReturnType<typeof parseSetCookie>> {
  return Object.fromEntries(response.headers.getSetCookie().map((header) => [parseSetCookie(header).name, parseSetCookie(header)]))
}

/** A browser's event request to the site, `https://www.shop.example` unless `site` says otherwise. */
export function eventRequest(path: string, body: unknown, { headers = {}, site = 'https://www.shop.example', method = 'POST' }: { headers?: Record<string, string>; site?: string; method?: string } = {}): Request {
  return new Request(site + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: method == 'GET' || method == 'HEAD' ? undefined : typeof body == 'string' ? body : JSON.stringify(body),
  })
}
