/**
 * `affitor-tracker/node`: the tracking API from a backend. A typed client for clicks, leads,
 * sales and refunds, the click id from a request's cookies, and the Stripe, Paddle and Lemon
 * Squeezy checkout data that keeps one-time payments and subscription renewals attributed.
 */
export { createAffitorClient, type AffitorClient, type AffitorClientOptions } from './client'
export { AffitorApiError } from './errors'
export { readClickId, readRequestCookie, type CookieSource } from './cookies'
export { withAffitorMetadata, type CheckoutAttribution, type CheckoutParamsShape } from './stripe-checkout'
export { withPaddleCustomData, type PaddleCustomDataShape } from './paddle-checkout'
export { withLemonSqueezyCustomData, type LemonSqueezyCheckoutShape } from './lemonsqueezy-checkout'
export type { ClickInput, ClickResult, LeadInput, LeadResult, RefundInput, RefundResult, SaleInput, SaleResult } from './types'
