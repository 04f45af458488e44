import { startReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '../../../src/server'

/** The demo seed's API key, as a sale or refund request sends it. */
export const AUTH = Object.freeze({ authorization: 'Bearer sk_demo_affitor' })

/** One day in milliseconds. */
export const DAY = 86_400_000

/** An answer as the tests read it: the status, the parsed JSON (if any), the raw text and headers. */
export interface Answer {
  status: number
  body: any
  text: string
  headers: Headers
}

/** A reference server on a free port, with shortcuts for the requests the tests make. */
export interface TestServer extends ReferenceServer {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>
  get(path: string, headers?: Record<string, string>): Promise<Answer>
  /** Reports a click on the partner `code`'s link; `extra` is merged into the body. */
  click(code: string, extra?: Record<string, unknown>, headers?: Record<string, string>): Promise<Answer>
  lead(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Answer>
  sale(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Answer>
  refund(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Answer>
  /** `GET /__affitor/events`, every page of it: the list itself. */
  events(type?: string): Promise<any[]>
}

const running: ReferenceServer[] = []

/** Starts a server on port 0 (closed by {@link closeServers}); a string body is sent as is. */
export async function startTestServer(options: ReferenceServerOptions = {}): Promise<TestServer> {
  const server = await startReferenceServer({ port: 0, ...options })
  running.push(server)
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(server.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body == 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    })
    const text = await response.text()
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {}
    return { status: response.status, body: parsed, text, headers: response.headers }
  }
  const post = (path: string, body?: unknown, headers?: Record<string, string>) => request('POST', path, body, headers)
  return Object.assign(server, {
    request,
    post,
    get: (path: string, headers?: Record<string, string>) => request('GET', path, undefined, headers),
    click: (code: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>) =>
      post('/api/v1/track/click', { affiliate_url: `https://shop.example/landing?aff=${code}`, ...extra }, headers),
    lead: (body: Record<string, unknown>, headers?: Record<string, string>) => post('/api/v1/track/lead', body, headers),
    sale: (body: Record<string, unknown>, headers: Record<string, string> = AUTH) => post('/api/v1/track/sale', body, headers),
    refund: (body: Record<string, unknown>, headers: Record<string, string> = AUTH) => post('/api/v1/track/refund', body, headers),
    async events(type?: string) {
      const events = []
      let cursor: string | null = ''
      while (cursor !== null) {
        const { body } = await request('GET', `/__affitor/events?limit=1000${type ? `&type=${type}` : ''}${cursor ? `&cursor=${cursor}` : ''}`)
        events.push(...body.events)
        cursor = body.next_cursor
      }
      return events
    },
  })
}

/** Closes every server {@link startTestServer} started: call it in `afterEach`. */
export async function closeServers(): Promise<void> {
  await Promise.all(running.splice(0).map((server) => server.close()))
}

/** A clock the test moves: pass `clock.now` as the `now` option. */
export function testClock(start = Date.parse('2030-01-01T00:00:00Z')) {
  let time = start
  return {
    now: () => time,
    advance(ms: number) {
      time += ms
    },
  }
}
