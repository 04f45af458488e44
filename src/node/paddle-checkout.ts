import { attributionIds, type CheckoutAttribution } from './stripe-checkout'

/** The part of a Paddle transaction this helper reads and writes: the API's `custom_data`, or the SDK's and Paddle.js's `customData`. */
export interface PaddleCustomDataShape {
  custom_data?: Record<string, unknown> | null
  customData?: Record<string, unknown> | null
}

/**
 * Paddle Billing transaction parameters with the attribution ids in their custom data:
 * `affitor_customer_key`, `affitor_click_id`, `program_id`. Written to `customData` when the
 * parameters use that name (Paddle's Node SDK, Paddle.js `Checkout.open()`), otherwise to
 * `custom_data` (the API's JSON). Paddle copies a transaction's custom data onto the
 * subscription it starts, and the subscription's onto its renewals, so `transaction.completed`
 * carries them every time. Your own custom data is kept. Throws a `TypeError` without a
 * customer key or click id.
 *
 * @example
 * const transaction = await paddle.transactions.create(
 *   withPaddleCustomData({ items: [{ priceId: 'pri_…', quantity: 1 }], customData: {} }, { customerKey: user.id, clickId: readClickId(req) }),
 * )
 */
export function withPaddleCustomData<T extends PaddleCustomDataShape>(params: T, attribution: CheckoutAttribution): T {
  const ids = attributionIds(attribution, 'withPaddleCustomData()')
  const field = 'customData' in params ? 'customData' : 'custom_data'
  return { ...params, [field]: { ...params[field], ...ids } }
}
