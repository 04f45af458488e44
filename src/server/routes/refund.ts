import { isoTime } from '../config/clock'
import { reversedCommissionCents } from './attribution-rules'
import { optionalInteger, optionalString, requiredTransactionId } from './fields'
import { badRequest, HttpError, requireApiKey, type Route } from '../http/http'
import type { Body, Refund, RefundStatus, Sale, PaymentSource } from '../store/records'
import type { ReferenceStore } from '../store/store'

/** A refund to record, from the refund API or a Stripe event. */
export interface RefundInput {
  /**
   * What identifies this refund, so a repeat changes nothing: the API's `refund_id`, else the
   * amount (`"full"` for a full refund); Stripe's charge id and refunded total.
   */
  key: string
  /** The cents refunded now, or `"full"` for whatever is not refunded yet. */
  amount_cents: number | 'full'
  reason?: string
  source: PaymentSource
  request: Body
}

/**
 * `POST /api/v1/track/refund` (Bearer API key): refunds a sale in full (`refund_amount_cents`
 * omitted or 0) or in part. Answers the status (see {@link RefundStatus}). Idempotent: a repeat
 * (same `refund_id`, or same amount without one) answers the same and changes nothing; send
 * distinct `refund_id`s for two partial refunds of the same amount.
 */
export const trackRefund: Route = async (ctx) => {
  const program = requireApiKey(ctx)
  const body = await ctx.json()
  const transactionId = requiredTransactionId(body)
  const amount = optionalInteger(body, 'refund_amount_cents', 0, 'refund_amount_cents must be a non-negative integer')
  const reason = optionalString(body, 'refund_reason')
  const refundId = optionalString(body, 'refund_id')
  const sale = ctx.store.indexes.saleByTransaction(program.id, transactionId)
  if (!sale) throw new HttpError(404, 'Sale not found for transaction_id')
  const status = recordRefund(ctx.store, sale, ctx.clock.now(), {
    key: refundId ? `id:${refundId}` : amount ? String(amount) : 'full',
    amount_cents: amount || 'full',
    reason,
    source: 'api',
    request: body,
  })
  return { status: 200, body: refundAnswer(ctx.store, sale, status) }
}

/**
 * Refunds `sale` at `at` (ms) and reverses its commission in proportion. Answers the refund's
 * status; a repeated refund, or one of a sale already refunded in full, changes nothing and
 * answers the status as it stands. Throws a 400 for more than is left to refund.
 */
export function recordRefund(store: ReferenceStore, sale: Sale, at: number, input: RefundInput): RefundStatus {
  return store.change((state) => {
    const { indexes } = store
    const live = indexes.sale(sale.id)!
    const commission = live.commission_id ? indexes.commission(live.commission_id) : undefined
    const status = (): RefundStatus => (!commission ? 'no_commission' : live.refund_state == 'full' ? 'reversed' : 'refunded')
    const repeated = indexes.refund(live.id, input.key)
    if (repeated) return repeated.status
    const remaining = live.amount_cents - live.refunded_cents
    if (!remaining) return status()
    const amount = input.amount_cents == 'full' ? remaining : input.amount_cents
    if (amount > remaining) throw badRequest(`refund_amount_cents exceeds the ${remaining} cents not yet refunded`)
    if (!amount) return status()
    const refunded = live.refunded_cents + amount
    store.update(live, { refunded_cents: refunded, refund_state: refunded == live.amount_cents ? 'full' : 'partial' })
    let reversed = 0
    if (commission) {
      const total = reversedCommissionCents(commission.amount_cents, live.amount_cents, live.refunded_cents)
      reversed = total - commission.reversed_cents
      store.update(commission, { reversed_cents: total, status: live.refund_state == 'full' ? 'reversed' : total ? 'partially_reversed' : 'pending' })
    }
    const refund: Refund = {
      seq: ++state.seq,
      id: store.id('ref'),
      program_id: live.program_id,
      sale_id: live.id,
      transaction_id: live.transaction_id,
      key: input.key,
      amount_cents: amount,
      status: status(),
      commission_reversed_cents: reversed,
      reason: input.reason ?? null,
      source: input.source,
      created_at: isoTime(at),
      request: input.request,
    }
    state.refunds.push(refund)
    return refund.status
  })
}

/** The refund API's answer: the status and the sale's refund totals as they now stand. */
export function refundAnswer(store: ReferenceStore, sale: Sale, status: RefundStatus): Body {
  const live = store.indexes.sale(sale.id)!
  const commission = live.commission_id ? store.indexes.commission(live.commission_id) : undefined
  return {
    success: true,
    status,
    transaction_id: live.transaction_id,
    refunded_cents: live.refunded_cents,
    commission_reversed_cents: commission ? commission.reversed_cents : 0,
    commission_cents: commission ? commission.amount_cents - commission.reversed_cents : 0,
  }
}
