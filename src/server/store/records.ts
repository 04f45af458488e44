
/** Why a recorded sale earned no commission. */
export type UnattributedReason = 'attribution_window_expired' | 'no_click' | 'no_metadata'

/** Where a sale or refund was reported from: the API, or a payment provider's webhook. */
export type PaymentSource = 'api' | 'stripe' | 'paddle' | 'lemonsqueezy'

/** A JSON object as a request carried it. */
export type Body = Record<string, unknown>

/** Times are ISO 8601 strings of the server clock, so that a data file reads well. */
type Time = string

/** A reported click on a partner's link. */
export interface Click {
  /** The position in the event log, shared by every kind of event. */
  seq: number
  id: string
  program_id: string
  /** The browser (or device) that clicked: its clicks share it, the last one wins. Its first click says when it was first seen. */
  visitor_id: string
  partner_code: string
  /** `additional_data.test_mode` was true. */
  test_mode: boolean
  created_at: Time
  /** The request body as received. */
  request: Body
}

/** One of the site's own users, known by its `customer_key`, tied to a visitor by a lead. */
export interface Customer {
  id: string
  program_id: string
  /** `null` for a lead that came with a click id only: then the visitor identifies the customer. */
  customer_key: string | null
  email: string | null
  visitor_id: string | null
  created_at: Time
  /** Recorded from the browser for a program whose `lead_auth` is `"server_required"`, and not confirmed yet by the backend. */
  provisional?: boolean
}

/** A reported signup. */
export interface Lead {
  seq: number
  id: string
  program_id: string
  customer_id: string
  customer_key: string | null
  email: string | null
  click_id: string | null
  partner_code: string | null
  created_at: Time
  /** When a later lead for the same customer brought the click this one lacked. */
  click_attached_at?: Time
  /** As its customer's: recorded from the browser, not confirmed yet by the backend. */
  provisional?: boolean
  request: Body
}

/** How much of a sale has been refunded. */
export type RefundState = 'none' | 'partial' | 'full'

/** A recorded sale, attributed or not. */
export interface Sale {
  seq: number
  id: string
  program_id: string
  transaction_id: string
  amount_cents: number
  currency: string
  customer_key: string | null
  customer_id: string | null
  /** The visitor the sale was traced to, even when the window had expired. */
  visitor_id: string | null
  /** The winning click, even when the window had expired. */
  click_id: string | null
  /** The partner credited, `null` when the sale is not attributed. */
  partner_code: string | null
  attributed: boolean
  /** What credited the partner: a promo code the partner owns, or a click (for a renewal, what credited its first sale). Absent in sales recorded by earlier versions: `"click"`. */
  attribution_source?: 'coupon' | 'click' | null
  /** The promo or coupon code the sale carried (the one a partner owns, when one does). */
  coupon_code?: string | null
  /** What became of that code: `applied` (it paid its partner), `unknown`, or `partner_inactive` (then the clicks decided). */
  coupon_status?: 'applied' | 'unknown' | 'partner_inactive'
  reason: UnattributedReason | null
  click_age_days: number | null
  window_days: number
  commission_id: string | null
  commission_cents: number
  sale_type: 'payment' | 'subscription'
  is_recurring: boolean
  subscription_id: string | null
  source: PaymentSource
  /** Stripe ids that a `charge.refunded` event may name: session, payment intent, invoice. */
  stripe_ids: string[]
  refunded_cents: number
  refund_state: RefundState
  created_at: Time
  request: Body
}

/** What a partner earns on an attributed sale, less what refunds reversed. */
export interface Commission {
  id: string
  program_id: string
  sale_id: string
  partner_code: string
  amount_cents: number
  reversed_cents: number
  status: 'pending' | 'partially_reversed' | 'reversed'
  created_at: Time
}

/**
 * A refund's outcome: `reversed` when the sale is refunded in full and its commission reversed,
 * `refunded` when it is refunded in part and its commission reduced in proportion,
 * `no_commission` when the sale carried no commission to reverse.
 */
export type RefundStatus = 'reversed' | 'refunded' | 'no_commission'

/** A recorded refund. */
export interface Refund {
  seq: number
  id: string
  program_id: string
  sale_id: string
  transaction_id: string
  /** What makes a repeated refund recognisable: `refund_id`, the amount, or `full`. */
  key: string
  amount_cents: number
  status: RefundStatus
  /** The commission cents this refund reversed. */
  commission_reversed_cents: number
  reason: string | null
  source: PaymentSource
  created_at: Time
  request: Body
}

/** Everything the server has recorded since the seed. */
export interface State {
  /** The last position given out in the event log. */
  seq: number
  clicks: Click[]
  customers: Customer[]
  leads: Lead[]
  sales: Sale[]
  commissions: Commission[]
  refunds: Refund[]
  /** The affitor metadata of Stripe subscriptions, by subscription id, from `subscription_data.metadata`. */
  subscriptions: Record<string, { program_id: string; metadata: Record<string, string> }>
  /** Stripe invoices already handled, so `invoice.paid` and `invoice.payment_succeeded` count once. */
  invoices: string[]
  /** Stripe event ids already handled: Stripe delivers an event again until it gets a 2xx. */
  stripe_events: string[]
  /** Paddle and Lemon Squeezy deliveries already handled, as `paddle:<event_id>` or `lemonsqueezy:<event>:<id>`. */
  webhook_events: string[]
  /** The answers to click and lead requests that carried an `event_id`, by `<type>:<event_id>`. */
  answers: Record<string, Body>
  /**
   * The Stripe invoice each payment (payment intent or charge id) paid, from `invoice_payment.paid`:
   * in current API versions a `charge.refunded` names the payment only, not the invoice.
   */
  payment_invoices: Record<string, string>
}

/**
 * A table by id without a prototype: an id such as `__proto__` or `constructor` (a Stripe
 * subscription id, an event id, as a request gives it) is one more key, never a property every
 * object has, nor the table's prototype when it is set.
 */
export const table = <T>(entries?: Record<string, T>): Record<string, T> => Object.assign(Object.create(null) as Record<string, T>, entries)

/** A state with nothing recorded. */
export const emptyState = (): State => ({
  seq: 0,
  clicks: [],
  customers: [],
  leads: [],
  sales: [],
  commissions: [],
  refunds: [],
  subscriptions: table(),
  invoices: [],
  stripe_events: [],
  webhook_events: [],
  answers: table(),
  payment_invoices: table(),
})

/** The state's fields that are tables (objects by id), not lists. */
export const TABLE_FIELDS = (Object.keys(emptyState()) as (keyof State)[]).filter((field) => {
  const value = emptyState()[field]
  return typeof value == 'object' && !Array.isArray(value)
})

/** `state` with each of its tables made one without a prototype (a parsed file's are plain objects), in place. */
export function asTables(state: State): State {
  for (const field of TABLE_FIELDS) (state as unknown as Record<string, unknown>)[field] = table(state[field] as Record<string, unknown>)
  return state
}
