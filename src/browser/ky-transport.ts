import ky, { isHTTPError, type Hooks, type KyInstance } from 'ky'
import type { Transport } from './transport'

/** Options for {@link createKyTransport}. */
export interface KyTransportOptions {
  /**
   * Milliseconds before one attempt is abandoned. ky does not retry a timed-out attempt; the
   * tracker keeps the event queued and sends it again later.
   * @default 10000
   */
  timeout?: number
  /**
   * Retries after the first attempt, on network errors and on 408, 429, 500, 502, 503 and 504,
   * with exponential backoff and jitter, honouring `Retry-After`. Safe even when the server
   * stored the event before failing: every event carries an `event_id`, stored once.
   * @default 2
   */
  retry?: number
  /** ky hooks, for example to add a header or log each attempt. */
  hooks?: Hooks
  /**
   * The ky instance to extend, when your app already configured one.
   * @default ky
   */
  ky?: KyInstance
}

/**
 * A transport built on ky, for apps that already ship it: a timeout, a bounded retry with
 * backoff, and hooks. An HTTP error status is answered, not thrown: the tracker reads it.
 *
 * @example
 * import { createTracker } from 'affitor-tracker'
 * import { createKyTransport } from 'affitor-tracker/ky'
 * createTracker({ programId: 123, transport: createKyTransport({ timeout: 5000 }) })
 */
export function createKyTransport(options: KyTransportOptions = {}): Transport {
  const client = (options.ky || ky).extend({
    timeout: options.timeout ?? 10_000,
    retry: {
      limit: options.retry ?? 2,
      methods: ['post'],
      statusCodes: [408, 429, 500, 502, 503, 504],
      backoffLimit: 5_000,
      jitter: true,
    },
    hooks: options.hooks,
    keepalive: true,
  })
  return {
    async send(url, body) {
      let response: Response
      try {
        response = await client.post(url, { json: body })
      } catch (error) {
        // ky retries only what it throws, so HTTP errors are thrown and turned back into answers here.
        if (!isHTTPError(error)) throw error
        response = error.response
      }
      return { status: response.status, data: await response.json().catch(() => undefined) }
    },
  }
}
