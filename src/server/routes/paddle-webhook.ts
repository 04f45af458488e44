import { HttpError } from '../http/http'
import type { Body } from '../store/records'
import { isObject } from './fields'
import { affitorIds, currencyOf, hmacMatches, ignored, minorUnits, webhookRoute, WebhookSignatureError, type DeliveryContext, type WebhookProvider } from './payment-webhooks'
import { recordRefund } from './refund'
import { recordSale, saleOutcome } from './sale'

/** How far a `Paddle-Signature` timestamp may be from now, in seconds: what Paddle's SDK allows. */
export const PADDLE_TOLERANCE_SECONDS = 5

/**
 * Verifies a `Paddle-Signature` header (`ts=<unix seconds>;h1=<hex>[;h1=<hex>…]`, several `h1`
 * while a secret is rotated) as Paddle documents it: HMAC-SHA256 of `<ts>:<raw body>` keyed with
 * the notification destination's secret key, and a timestamp within the tolerance of `nowMs`.
 * Answers the secret that matched; throws a {@link WebhookSignatureError} otherwise.
 */
export function verifyPaddleSignature(payload: Buffer | string, header: string | undefined, secrets: readonly string[], nowMs: number, toleranceSeconds = PADDLE_TOLERANCE_SECONDS): string {
  if (!header) throw new WebhookSignatureError('Missing Paddle-Signature header')
  let timestamp = NaN
  const signatures: string[] = []
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    const key = part.slice(0, at).trim()
    const value = part.slice(at + 1).trim()
    if (key == 'ts' && /^\d{1,12}$/.test(value)) timestamp = Number(value)
    else if (key == 'h1') signatures.push(value)
  }
  if (Number.isNaN(timestamp) || !signatures.length) throw new WebhookSignatureError('Malformed Paddle-Signature header: expected ts=<timestamp>;h1=<signature>')
  const signed = Buffer.concat([Buffer.from(`${timestamp}:`), Buffer.from(payload)])
  const secret = secrets.find((candidate) => signatures.some((signature) => hmacMatches(candidate, signed, signature)))
  if (secret === undefined) throw new WebhookSignatureError('No Paddle-Signature matches the payload: check the notification secret key and pass the raw body')
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) throw new WebhookSignatureError(`Paddle-Signature timestamp is outside the tolerance of ${toleranceSeconds} seconds`)
  return secret
}

/**
 * `transaction.completed`: a payment, one-time or of a subscription (its first, or a renewal:
 * `origin` other than `web` / `api`). The ids come from `custom_data` (as
 * `withPaddleCustomData()` puts them), the amount from `details.totals.grand_total`, a promo code
 * from `discount_id` (list the `dsc_…` id in a partner's `coupon_codes`). A renewal stays with its
 * subscription's first sale's partner.
 */
function transactionCompleted(x: DeliveryContext, transaction: Body): Body {
  const ids = affitorIds(transaction.custom_data)
  const program = x.program(ids.program_id)
  if (typeof program == 'string') return ignored(program)
  const totals = isObject(transaction.details) && isObject(transaction.details.totals) ? transaction.details.totals : {}
  const amount = minorUnits(totals.grand_total ?? totals.total)
  if (!amount) return ignored('no_amount')
  const id = transaction.id as string
  if (x.store.indexes.saleByTransaction(program.id, id)) return { duplicate: true, transaction_id: id }
  const subscriptionId = typeof transaction.subscription_id == 'string' && transaction.subscription_id ? transaction.subscription_id : undefined
  const discount = typeof transaction.discount_id == 'string' && transaction.discount_id ? [transaction.discount_id] : []
  return saleOutcome(
    recordSale(x.store, program, x.at, {
      transaction_id: id,
      amount_cents: amount,
      currency: currencyOf(transaction.currency_code),
      customer_key: ids.customer_key,
      click_id: ids.click_id,
      sale_type: subscriptionId ? 'subscription' : 'payment',
      is_recurring: !!subscriptionId,
      subscription_id: subscriptionId,
      source: 'paddle',
      coupon_codes: discount,
      request: x.request,
    }),
  )
}

/**
 * `adjustment.created` and `adjustment.updated`: a refund (or chargeback) of a transaction, counted
 * once approved; its `totals.total` is what this adjustment takes back.
 */
function adjustment(x: DeliveryContext, adjustment: Body): Body {
  if (adjustment.action != 'refund' && adjustment.action != 'chargeback') return ignored('not_a_refund')
  if (adjustment.status != 'approved') return ignored('not_approved')
  const transactionId = typeof adjustment.transaction_id == 'string' ? adjustment.transaction_id : undefined
  const sale = transactionId ? x.store.indexes.saleOfPayment([transactionId], x.bound && x.bound.id) : undefined
  if (!sale) return ignored('sale_not_found')
  const amount = minorUnits(isObject(adjustment.totals) ? adjustment.totals.total : undefined)
  if (!amount) return ignored('no_amount')
  const status = recordRefund(x.store, sale, x.at, {
    key: `paddle:${adjustment.id}`,
    amount_cents: amount >= sale.amount_cents - sale.refunded_cents ? 'full' : amount,
    source: 'paddle',
    request: x.request,
  })
  return { status, transaction_id: sale.transaction_id }
}

const PADDLE: WebhookProvider = {
  name: 'paddle',
  title: 'Paddle',
  seedField: 'paddle_webhook_secret',
  optionField: 'paddleWebhookSecret',
  // The signer's clock is the real one: the test clock moves attribution time, not Paddle's.
  verify: (ctx, raw, secrets) => verifyPaddleSignature(raw, ctx.req.headers['paddle-signature'] as string | undefined, secrets, ctx.clock.base()),
  read(event) {
    const data = event.data
    if (typeof event.event_id != 'string' || !event.event_id || typeof event.event_type != 'string' || !isObject(data) || typeof data.id != 'string') {
      throw new HttpError(400, 'Invalid Paddle notification: expected "event_id", "event_type" and "data" with an "id"')
    }
    return { type: event.event_type, key: event.event_id, object: data }
  },
  handlers: new Map([
    ['transaction.completed', transactionCompleted],
    ['adjustment.created', adjustment],
    ['adjustment.updated', adjustment],
  ]),
}

/**
 * `POST /api/v1/webhooks/paddle`: Paddle Billing's notifications, verified with `Paddle-Signature`
 * against each program's `paddle_webhook_secret` and the `paddleWebhookSecret` option. Handles
 * `transaction.completed` (payments and renewals) and approved refund adjustments; a repeated
 * `event_id` is answered `"duplicate": true`, anything else `"ignored": true`.
 */
export const paddleWebhook = webhookRoute(PADDLE)
