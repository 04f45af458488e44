/** What a transport hands back: the HTTP status and the parsed JSON body, if any. */
export interface TransportResponse {
  /** HTTP status; `0` when the event was handed off with no answer to read (a beacon): taken as delivered. */
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
 * being left right after it was sent (the browser finishes the request on its own, as it does
 * for `sendBeacon`, and unlike a beacon it reads the answer while the page is still there).
 */
export const fetchTransport: Transport = {
  async send(url, body) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      keepalive: true,
    })
    return { status: response.status, data: await response.json().catch(() => undefined) }
  },
}
