import type { Transport } from '../../src/browser/transport'

/** One event as the fake tracking API received it. */
export interface Received {
  url: string
  path: string
  body: Record<string, any>
}

/** An answer of its own for an event, or `undefined` for the protocol's usual one. */
type Responder = (event: Received) => Answer | undefined | Promise<Answer | undefined>
type Answer = { status: number; data?: unknown }

/**
 * A fake tracking API that answers as the protocol says: clicks get `clk_1`, `clk_2`, … and
 * leads succeed. `respond` overrides an answer; `received` lists every event in order.
 */
export function fakeApi(respond?: Responder) {
  const received: Received[] = []
  let clicks = 0
  const answer = async (event: Received) => {
    const custom = respond && (await respond(event))
    if (custom) return custom
    if (event.path.endsWith('/click')) {
      const code = new URL(event.body.affiliate_url).searchParams.get('aff')
      return { status: 200, data: { success: true, click_id: `clk_${++clicks}`, partner_code: code, cookie_window_days: 60 } }
    }
    return { status: 200, data: { success: true, message: 'Lead tracked successfully' } }
  }
  const record = (url: string, body: Record<string, any>) => {
    // As the wire carries it: JSON drops undefined fields.
    const event = { url, path: new URL(url, 'http://same-origin.invalid').pathname, body: JSON.parse(JSON.stringify(body)) }
    received.push(event)
    return event
  }

  /** The API as a `Transport`, for `createTracker({ transport })`. */
  const transport: Transport = { send: async (url, body) => answer(record(url, body)) }

  /** The API as a global `fetch`, for code that uses the default transport. */
  const fetch = async (url: string, init: RequestInit) => {
    const { status, data } = await answer(record(url, JSON.parse(String(init.body))))
    return new Response(data === undefined ? '' : JSON.stringify(data), { status })
  }

  return {
    received,
    transport,
    fetch,
    clicks: () => received.filter((event) => event.path == '/api/v1/track/click'),
    leads: () => received.filter((event) => event.path == '/api/v1/track/lead'),
  }
}
