import { HttpError } from '../http/http'
import type { Body } from '../store/records'
import { isObject } from './fields'
import { affitorIds, currencyOf, hmacMatches, ignored, minorUnits, webhookRoute, WebhookSignatureError, type DeliveryContext, type WebhookProvider } from './payment-webhooks'
import { recordRefund } from './refund'
import { recordSale, saleOutcome, type SaleInput } from './sale'

/**
 * Verifies an `X-Signature` header as Lemon Squeezy documents it: the hex HMAC-SHA256 of the raw
 * body keyed with the webhook's signing secret. Answers the secret that matched; throws a
 * {@link WebhookSignatureError} otherwise.
 */
export function verifyLemonSqueezySignature(payload: Buffer | string, header: string | undefined, secrets: readonly string[]): string {
  if (!header) throw new WebhookSignatureError('Missing X-Signature header')
  const secret = secrets.find((candidate) => hmacMatches(candidate, payload, header.trim()))
  if (secret === undefined) throw new WebhookSignatureError('X-Signature does not match the payload: check the signing secret and pass the raw body')
  return secret
}

/** The transaction id of an order, and of a subscription invoice: Lemon Squeezy's ids are numbers per kind. */
const orderTransaction = (id: unknown) => `ls_order_${id}`
const invoiceTransaction = (id: unknown) => `ls_invoice_${id}`

type Attributes = Body & { total?: unknown; currency?: unknown; refunded_amount?: unknown }
const attributesOf = (object: Body): Attributes => (isObject(object.attributes) ? (object.attributes as Attributes) : {})
const customOf = (event: Body) => affitorIds(isObject(event.meta) ? event.meta.custom_data : undefined)

/**
 * `order_created`: a payment, one-time or a subscription's first (its subscription is named by
 * `subscription_created`, which follows). The ids come from `meta.custom_data` (as
 * `withLemonSqueezyCustomData()` puts them in `checkout_data.custom`), a promo code from
 * `discount_code` when the order carries one.
 */
function orderCreated(x: DeliveryContext, order: Body, event: Body): Body {
  const attributes = attributesOf(order)
  if (attributes.status != 'paid') return ignored('not_paid')
  const code = typeof attributes.discount_code == 'string' && attributes.discount_code ? [attributes.discount_code] : []
  return recordPayment(x, event, attributes, orderTransaction(order.id), { sale_type: 'payment', is_recurring: false, coupon_codes: code })
}

/** Records a paid order or invoice of the program its custom data names, once per transaction id. */
function recordPayment(x: DeliveryContext, event: Body, attributes: Attributes, transactionId: string, kind: Pick<SaleInput, 'sale_type' | 'is_recurring' | 'subscription_id' | 'coupon_codes'>): Body {
  const ids = customOf(event)
  const program = x.program(ids.program_id)
  if (typeof program == 'string') return ignored(program)
  const amount = minorUnits(attributes.total)
  if (!amount) return ignored('no_amount')
  if (x.store.indexes.saleByTransaction(program.id, transactionId)) return { duplicate: true, transaction_id: transactionId }
  return saleOutcome(
    recordSale(x.store, program, x.at, {
      transaction_id: transactionId,
      amount_cents: amount,
      currency: currencyOf(attributes.currency),
      customer_key: ids.customer_key,
      click_id: ids.click_id,
      source: 'lemonsqueezy',
      ...kind,
      request: x.request,
    }),
  )
}

/** `subscription_created`: ties the subscription to the sale of the order that started it, so that its renewals follow that sale. */
function subscriptionCreated(x: DeliveryContext, subscription: Body): Body {
  const attributes = attributesOf(subscription)
  const first = x.store.indexes.saleOfPayment([orderTransaction(attributes.order_id)], x.bound && x.bound.id)
  if (!first) return ignored('sale_not_found')
  const subscriptionId = String(subscription.id)
  if (first.subscription_id != subscriptionId) x.store.update(first, { subscription_id: subscriptionId, sale_type: 'subscription' })
  return { subscription_id: subscriptionId, transaction_id: first.transaction_id }
}

/** `subscription_payment_success`: a renewal (`billing_reason` `renewal`); the first payment is the order's. */
function paymentSuccess(x: DeliveryContext, invoice: Body, event: Body): Body {
  const attributes = attributesOf(invoice)
  if (attributes.billing_reason == 'initial') return ignored('first_payment_recorded_from_order')
  if (attributes.status != 'paid') return ignored('not_paid')
  const subscriptionId = attributes.subscription_id
  if ((typeof subscriptionId != 'string' || !subscriptionId) && typeof subscriptionId != 'number') return ignored('no_subscription')
  return recordPayment(x, event, attributes, invoiceTransaction(invoice.id), { sale_type: 'subscription', is_recurring: true, subscription_id: String(subscriptionId) })
}

/** `order_refunded` and `subscription_payment_refunded`: refunds up to the object's `refunded_amount`, a running total. */
function refunded(transaction: (id: unknown) => string) {
  return (x: DeliveryContext, object: Body): Body => {
    const sale = x.store.indexes.saleOfPayment([transaction(object.id)], x.bound && x.bound.id)
    if (!sale) return ignored('sale_not_found')
    const total = minorUnits(attributesOf(object).refunded_amount)
    if (!total) return ignored('no_amount')
    const status = recordRefund(x.store, sale, x.at, {
      key: `lemonsqueezy:${object.id}:${total}`,
      amount_cents: total >= sale.amount_cents ? 'full' : Math.max(0, total - sale.refunded_cents),
      source: 'lemonsqueezy',
      request: x.request,
    })
    return { status, transaction_id: sale.transaction_id }
  }
}

const LEMON_SQUEEZY: WebhookProvider = {
  name: 'lemonsqueezy',
  title: 'Lemon Squeezy',
  seedField: 'lemonsqueezy_webhook_secret',
  optionField: 'lemonsqueezyWebhookSecret',
  verify: (ctx, raw, secrets) => verifyLemonSqueezySignature(raw, ctx.req.headers['x-signature'] as string | undefined, secrets),
  read(event) {
    const meta = event.meta
    const data = event.data
    if (!isObject(meta) || typeof meta.event_name != 'string' || !isObject(data) || (typeof data.id != 'string' && typeof data.id != 'number')) {
      throw new HttpError(400, 'Invalid Lemon Squeezy event: expected "meta.event_name" and "data" with an "id"')
    }
    // Lemon Squeezy sends no delivery id: the same event of the same object, in the same state, is a redelivery.
    const refundedAmount = isObject(data.attributes) ? data.attributes.refunded_amount : undefined
    return { type: meta.event_name, key: `${meta.event_name}:${data.type}:${data.id}${meta.event_name.endsWith('_refunded') ? `:${refundedAmount}` : ''}`, object: data }
  },
  handlers: new Map([
    ['order_created', orderCreated],
    ['subscription_created', subscriptionCreated],
    ['subscription_payment_success', paymentSuccess],
    ['order_refunded', refunded(orderTransaction)],
    ['subscription_payment_refunded', refunded(invoiceTransaction)],
  ]),
}

/**
 * `POST /api/v1/webhooks/lemonsqueezy`: Lemon Squeezy's events, verified with `X-Signature`
 * against each program's `lemonsqueezy_webhook_secret` and the `lemonsqueezyWebhookSecret`
 * option: orders, subscription renewals and their refunds; a redelivery is answered
 * `"duplicate": true`, anything else `"ignored": true`.
 */
export const lemonSqueezyWebhook = webhookRoute(LEMON_SQUEEZY)
