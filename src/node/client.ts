import ky, { isHTTPError, type Hooks, type KyInstance } from 'ky'
import { AffitorApiError } from './errors'
import type { ClickInput, ClickResult, LeadInput, LeadResult, RefundInput, RefundResult, SaleInput, SaleResult } from './types'

/** Options for {@link createAffitorClient}. */
export interface AffitorClientOptions {
  /**
   * The program's secret API key, sent as `Authorization: Bearer …`. Required for sales and
   * refunds; optional for leads. Keep it on the server.
   * @example process.env.AFFITOR_API_KEY
   */
  apiKey?: string
  /**
   * Base URL of the tracking API.
   * @default "https://api.affitor.com"
   * @example "http://localhost:4700"
   */
  apiBase?: string
  /** Sent as the lead's `program_id` and the click's `additional_data.program_id` when they have none. */
  programId?: string | number
  /**
   * Milliseconds before one attempt is abandoned (and retried).
   * @default 10000
   */
  timeout?: number
  /**
   * Retries after the first attempt, with backoff, on network errors, timeouts and 408, 429,
   * 500, 502, 503, 504. Every call is safe to repeat: clicks and leads carry an `event_id`, a
   * sale its `transaction_id` (a repeat is answered 409, "already recorded"), a refund is
   * idempotent.
   * @default 2
   */
  retry?: number
  /** ky hooks, for example to log each attempt. */
  hooks?: Hooks
}

/** The tracking API from a backend. Every method resolves with the API's answer, or rejects with an {@link AffitorApiError}. */
export interface AffitorClient {
  /** Records a click (server-side redirects, tests). Rejects for an unknown or malformed link (400). */
  trackClick(click: ClickInput): Promise<ClickResult>
  /** Ties your customer to a click: call it after registration. A repeated lead resolves with `duplicate: true`. */
  trackLead(lead: LeadInput): Promise<LeadResult>
  /**
   * Reports revenue. Resolves with `attributed` and the partner, or `attributed: false` and the
   * `reason`. A `transaction_id` already recorded (409) resolves with `duplicate: true`: it is
   * not an error and is never retried.
   */
  trackSale(sale: SaleInput): Promise<SaleResult>
  /** Refunds a recorded sale, fully or by `refund_amount_cents`. Rejects with status 404 for an unknown `transaction_id`. */
  trackRefund(refund: RefundInput): Promise<RefundResult>
}

/**
 * Creates a typed client for the tracking API, built on ky: a timeout per attempt and retries
 * where repeating is safe.
 *
 * @example
 * import { createAffitorClient } from 'affitor-tracker/node'
 * const affitor = createAffitorClient({ apiKey: process.env.AFFITOR_API_KEY })
 * const sale = await affitor.trackSale({ transaction_id: order.id, amount_cents: 4900, customer_key: user.id })
 * if (sale.duplicate) console.log('already recorded')
 */
export function createAffitorClient(options: AffitorClientOptions = {}): AffitorClient {
  const { apiKey, programId } = options
  const api: KyInstance = ky.create({
    prefixUrl: (options.apiBase ?? 'https://api.affitor.com').replace(/\/+$/, '') + '/api/v1/track',
    timeout: options.timeout ?? 10_000,
    retry: {
      limit: options.retry ?? 2,
      methods: ['post'],
      statusCodes: [408, 429, 500, 502, 503, 504],
      retryOnTimeout: true,
      backoffLimit: 5_000,
      jitter: true,
    },
    hooks: options.hooks,
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  })

  /** Posts `body`, answers the parsed JSON of a 2xx (and of a 409 when `conflictIsDone`), else rejects. */
  async function post<T>(path: string, body: object, conflictIsDone = false): Promise<T> {
    let response: Response
    try {
      response = await api.post(path, { json: body })
    } catch (error) {
      if (!isHTTPError(error)) throw withoutRequest(error)
      response = error.response
    }
    const text = await response.text()
    let data: unknown = text
    try {
      data = JSON.parse(text)
    } catch {
      // Not JSON (a proxy's error page): kept as text in the error.
    }
    if (response.ok) return data as T
    if (conflictIsDone && response.status == 409) return { ...(data as object), success: true, duplicate: true } as T
    throw new AffitorApiError(response.status, data)
  }

  const needsKey = (call: string) => {
    if (!apiKey) throw new TypeError(`${call}: apiKey is required (createAffitorClient({ apiKey }))`)
  }

  return {
    async trackClick(click) {
      if (typeof click?.affiliate_url != 'string') throw new TypeError('trackClick(): affiliate_url is required')
      const additional = { ...(programId != null && { program_id: programId }), ...click.additional_data }
      return post('click', { event_id: crypto.randomUUID(), ...click, additional_data: additional })
    },
    async trackLead(lead) {
      if (!lead?.customer_key && !lead?.click_id) throw new TypeError('trackLead(): customer_key or click_id is required')
      return post('lead', { event_id: crypto.randomUUID(), ...(programId != null && { program_id: programId }), ...lead, click_id: lead.click_id ?? undefined })
    },
    async trackSale(sale) {
      needsKey('trackSale()')
      if (typeof sale?.transaction_id != 'string' || !sale.transaction_id) throw new TypeError('trackSale(): transaction_id is required and must be a string')
      if (!Number.isInteger(sale.amount_cents) || sale.amount_cents < 1) throw new TypeError('trackSale(): amount_cents is required and must be a positive integer')
      return post('sale', { ...sale, click_id: sale.click_id ?? undefined }, true)
    },
    async trackRefund(refund) {
      needsKey('trackRefund()')
      if (typeof refund?.transaction_id != 'string' || !refund.transaction_id) throw new TypeError('trackRefund(): transaction_id is required and must be a string')
      return post('refund', refund)
    },
  }
}

/**
 * The error of a call that got no answer (ky's `TimeoutError`, fetch's network `TypeError`, an
 * abort), without the request ky attaches to it, whose headers carry the API key: logging it
 * (`console.log(error)`) must not print `authorization: 'Bearer sk_…'`. Same name and message;
 * the cause kept when it is no request's (the network error's code).
 */
function withoutRequest(error: unknown): unknown {
  if (!(error instanceof Error)) return error
  const cause = (error as { cause?: unknown }).cause
  const clean = new Error(error.message)
  clean.name = error.name
  if (cause instanceof Error && !('request' in cause)) Object.defineProperty(clean, 'cause', { value: cause, configurable: true, writable: true })
  return clean
}
