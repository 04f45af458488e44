/** What a transport hands back: the HTTP status and the parsed JSON body, if any. */
export interface TransportResponse {
  /** HTTP status; `0` when the event was handed to `sendBeacon`, which gives no answer. */
  status: number
  /** The parsed JSON answer, or `undefined` when there was none or it was not JSON. */
  data?: unknown
}

/**
 * How events reach the tracking API. Implement it to route events anywhere
 * (a test double, a proxy, a queue) without touching the tracker's internals.
 *
 * `send` rejects only when nothing could be delivered (a network error);
 * an HTTP error status is an answer, not a rejection.
 *
 * @example
 * const transport: Transport = {
 *   async send(url, body) { sent.push({ url, body }); return { status: 200, data: { success: true } } },
 * }
 */
export interface Transport {
  send(url: string, body: Record<string, unknown>): Promise<TransportResponse>
}

/**
 * The default transport: one `fetch` POST with `keepalive`, so an event survives the page
 * being left right after it was sent. Without `fetch` it falls back to `navigator.sendBeacon`.
 */
export const fetchTransport: Transport = {
  async send(url, body) {
    const json = JSON.stringify(body)
    if (typeof fetch == 'function') {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: json,
        keepalive: true,
      })
      return { status: response.status, data: await response.json().catch(() => undefined) }
    }
    // A string goes as text/plain, which needs no CORS preflight: beacons cannot answer one.
    if (!navigator.sendBeacon(url, json)) throw Error('sendBeacon failed')
    return { status: 0 }
  },
}
