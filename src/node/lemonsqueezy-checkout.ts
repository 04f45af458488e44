import { attributionIds, type CheckoutAttribution } from './stripe-checkout'

type Custom = { custom?: Record<string, unknown> } & Record<string, unknown>

/** The part of Lemon Squeezy checkout attributes this helper reads and writes: the API's `checkout_data`, or the SDK's `checkoutData`. */
export interface LemonSqueezyCheckoutShape {
  checkout_data?: Custom
  checkoutData?: Custom
}

/**
 * Lemon Squeezy checkout attributes with the attribution ids in their custom data:
 * `affitor_customer_key`, `affitor_click_id`, `program_id`, in `checkoutData.custom` when the
 * attributes use that name (`createCheckout()` of `@lemonsqueezy/lemonsqueezy.js`), otherwise in
 * `checkout_data.custom` (the `attributes` of `POST /v1/checkouts`). Lemon Squeezy sends them back
 * as `meta.custom_data` in the order's events and in its subscription's, renewals included. Your
 * own custom data is kept. Throws a `TypeError` without a customer key or click id.
 *
 * @example
 * await createCheckout(storeId, variantId, withLemonSqueezyCustomData({ checkoutData: { email: user.email } }, { customerKey: user.id, clickId: readClickId(req) }))
 */
export function withLemonSqueezyCustomData<T extends LemonSqueezyCheckoutShape>(params: T, attribution: CheckoutAttribution): T {
  const ids = attributionIds(attribution, 'withLemonSqueezyCustomData()')
  const field = 'checkoutData' in params ? 'checkoutData' : 'checkout_data'
  const data = params[field] || {}
  return { ...params, [field]: { ...data, custom: { ...data.custom, ...ids } } }
}
