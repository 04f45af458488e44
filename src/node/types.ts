/** Fields of `POST /api/v1/track/click`, as the protocol names them. */
export interface ClickInput {
  /** The full landing URL, carrying the partner code (`?aff=PARTNER123`). Required. */
  affiliate_url: string
  page_url?: string
  page_title?: string
  referrer_url?: string
  session_id?: string
  user_agent?: string
  screen_resolution?: string
  viewport_size?: string
  language?: string
  timezone?: string
  /** The visitor's stored click id, when another partner's link is clicked. */
  existing_click_id?: string
  /** Generated when left out: a retried request is then stored once. */
  event_id?: string
  additional_data?: Record<string, unknown>
}

/** The answer to a click. */
export interface ClickResult {
  success: boolean
  click_id?: string
  partner_code?: string
  cookie_window_days?: number
  /** Why no click was recorded, when `success` is false (for example an inactive link). */
  message?: string
  duplicate?: boolean
}

/** Fields of `POST /api/v1/track/lead`: at least one of `customer_key` and `click_id`. */
export interface LeadInput {
  /** Your own stable user id, the same one the sale will carry. */
  customer_key?: string
  email?: string
  /** The visitor's `affitor_click_id` cookie; see `readClickId()`. */
  click_id?: string | null
  click_ids?: string[]
  page_url?: string
  session_id?: string
  /** Defaults to the client's `programId`. */
  program_id?: string | number
  event_id?: string
  additional_data?: Record<string, unknown>
}

/** The answer to a lead. `duplicate` is true when this customer's lead was already recorded. */
export interface LeadResult {
  success: boolean
  message?: string
  duplicate?: boolean
}

/** Fields of `POST /api/v1/track/sale`. */
export interface SaleInput {
  /** Your idempotency key, for example the order or invoice id. Required. */
  transaction_id: string
  /** A positive whole number of cents. Required. */
  amount_cents: number
  /** Looked up first. */
  customer_key?: string
  click_id?: string | null
  /** @default "USD" */
  currency?: string
  sale_type?: 'payment' | 'subscription'
  is_recurring?: boolean
  subscription_id?: string
  subscription_interval?: 'monthly' | 'quarterly' | 'annual'
  product_id?: string
  line_items?: unknown[]
  additional_data?: Record<string, unknown>
  /**
   * The promo or coupon code the customer applied. On the reference server (an extension of the
   * protocol), a code a partner owns pays that partner, over a cookie's click.
   * @example "JANE20"
   */
  coupon_code?: string
}

/** The answer to a sale. */
export interface SaleResult {
  success: boolean
  /** `true` when this `transaction_id` was recorded before (the API answered 409): nothing new was stored. */
  duplicate?: boolean
  attributed?: boolean
  sale_id?: string | number
  commission_id?: string | number | null
  partner_code?: string
  /** Why the sale is not attributed: `no_click`, `attribution_window_expired`, … */
  reason?: string
  /** What credited the partner: a promo code it owns, or a click (reference server). */
  attribution_source?: 'coupon' | 'click'
  /** What became of `coupon_code`: `applied`, `unknown`, `partner_inactive` (reference server). */
  coupon_status?: 'applied' | 'unknown' | 'partner_inactive'
  click_age_days?: number
  window_days?: number
  /** The API's message, on a duplicate. */
  error?: string
}

/** Fields of `POST /api/v1/track/refund`. */
export interface RefundInput {
  transaction_id: string
  /** Left out or 0: a full refund. */
  refund_amount_cents?: number
  refund_reason?: string
}

/** The answer to a refund. */
export interface RefundResult {
  success: boolean
  status?: 'reversed' | 'refunded' | 'no_commission'
}
