import { confirmCustomer } from './customers'
import { attribute, commissionCents } from './attribution-rules'
import { DAY_MS, isoTime } from '../config/clock'
import { optionalArray, optionalBoolean, optionalChoice, optionalObject, optionalString, requiredTransactionId } from './fields'
import { badRequest, HttpError, requireApiKey, type Route } from '../http/http'
import type { Body, Sale, PaymentSource } from '../store/records'
import type { Program } from '../config/seed'
import type { ReferenceStore } from '../store/store'

/** The protocol's answer to a `transaction_id` already recorded. */
export const DUPLICATE_TRANSACTION = 'Duplicate transaction_id. This sale has already been recorded.'

/** A sale to record, from the sale API or a Stripe event. */
export interface SaleInput {
  transaction_id: string
  amount_cents: number
  currency: string
  customer_key?: string
  click_id?: string
  sale_type: 'payment' | 'subscription'
  is_recurring: boolean
  subscription_id?: string
  source: PaymentSource
  stripe_ids?: string[]
  /** The sale cannot be traced because Stripe sent no affitor metadata: reason `no_metadata`. */
  no_metadata?: boolean
  /**
   * What names the promo or coupon code the customer applied, first the code as shown to them:
   * the sale API's `coupon_code`; a Stripe promotion code's code and id, its coupon's id.
   */
  coupon_codes?: string[]
  request: Body
}

/** What became of a sale's promo code: it paid its partner, no partner owns it, or its partner is inactive. */
export type CouponStatus = 'applied' | 'unknown' | 'partner_inactive'

/** The partner owning one of `codes` in `program` (case aside), with the code matched. */
export function couponOwner(program: Program, codes: readonly string[]): { partner: Program['partners'][number]; code: string } | undefined {
  for (const code of codes) {
    const lower = code.toLowerCase()
    for (const partner of program.partners) if (partner.coupon_codes.some((owned) => owned.toLowerCase() == lower)) return { partner, code }
  }
  return undefined
}

/**
 * `POST /api/v1/track/sale` (Bearer API key): records a sale and attributes it. The visitor is
 * found through the customer (`customer_key`, tied by a lead) first, then through `click_id`;
 * the visitor's latest click wins if it is within the program's window. A recurring sale of a
 * `subscription_id` whose first sale was attributed goes to that sale's partner, with no window.
 */
export const trackSale: Route = async (ctx) => {
  const program = requireApiKey(ctx)
  const body = await ctx.json()
  const transactionId = requiredTransactionId(body)
  const amount = body.amount_cents
  if (typeof amount != 'number' || !Number.isSafeInteger(amount) || amount < 1) throw badRequest('amount_cents is required and must be a positive integer')
  const customerKey = optionalString(body, 'customer_key')
  const clickId = optionalString(body, 'click_id')
  const currency = optionalString(body, 'currency') ?? 'USD'
  if (!/^[A-Za-z]{3}$/.test(currency)) throw badRequest('currency must be a 3-letter ISO 4217 code such as USD')
  const saleType = optionalChoice(body, 'sale_type', ['payment', 'subscription'] as const) ?? 'payment'
  const isRecurring = optionalBoolean(body, 'is_recurring') ?? false
  const subscriptionId = optionalString(body, 'subscription_id')
  const couponCode = optionalString(body, 'coupon_code')
  if (couponCode !== undefined && !/^[\w.~-]{1,100}$/.test(couponCode.trim())) throw badRequest('coupon_code must be 1 to 100 of A-Z a-z 0-9 _ . ~ -')
  optionalChoice(body, 'subscription_interval', ['monthly', 'quarterly', 'annual'])
  optionalString(body, 'product_id')
  optionalArray(body, 'line_items')
  optionalObject(body, 'additional_data')

  const sale = recordSale(ctx.store, program, ctx.clock.now(), {
    transaction_id: transactionId,
    amount_cents: amount,
    currency: currency.toUpperCase(),
    customer_key: customerKey,
    click_id: clickId,
    sale_type: saleType,
    is_recurring: isRecurring,
    subscription_id: subscriptionId,
    source: 'api',
    ...(couponCode !== undefined && { coupon_codes: [couponCode.trim()] }),
    request: body,
  })
  return { status: 200, body: saleAnswer(sale) }
}

/**
 * Records a sale of `program` made at `at` (ms), attributed by the rules, with its commission.
 * Throws a 409 {@link HttpError} for a transaction id the program already has.
 */
export function recordSale(store: ReferenceStore, program: Program, at: number, input: SaleInput): Sale {
  return store.change((state) => {
    const { indexes } = store
    if (indexes.saleByTransaction(program.id, input.transaction_id)) throw new HttpError(409, DUPLICATE_TRANSACTION)
    const customer = input.customer_key ? indexes.customerByKey(program.id, input.customer_key) : undefined
    const given = input.click_id ? indexes.click(input.click_id, program.id) : undefined
    // A provisional customer (the browser's word alone) is confirmed by the sale, whose own click wins.
    if (customer && customer.provisional) confirmCustomer(store, customer, given, isoTime(at))
    let visitorId = customer ? customer.visitor_id : null
    if (!visitorId && given) visitorId = given.visitor_id
    // A renewal follows its subscription's first sale: the partner who won the customer keeps
    // the subscription, whatever the window, codes or later clicks say.
    // Without affitor metadata a renewal is traced only when a promo code won its first sale
    // (the subscription keeps the discount); otherwise it is `no_metadata`, as the hosted service answers.
    const firstOfSubscription = input.is_recurring && input.subscription_id ? indexes.firstSaleOfSubscription(program.id, input.subscription_id) : undefined
    const followed =
      firstOfSubscription && firstOfSubscription.attributed && (!input.no_metadata || input.source != 'stripe' || firstOfSubscription.attribution_source == 'coupon') ? firstOfSubscription : undefined
    const firstClick = followed && followed.click_id ? indexes.click(followed.click_id) : undefined
    // A promo code is the customer's own choice of partner: it wins over a cookie's click.
    const coupon = !followed && input.coupon_codes?.length ? couponOwner(program, input.coupon_codes) : undefined
    const couponStatus: CouponStatus | undefined = input.coupon_codes?.length ? (coupon ? (coupon.partner.active ? 'applied' : 'partner_inactive') : followed ? undefined : 'unknown') : undefined
    const byCoupon = coupon && coupon.partner.active ? coupon : undefined
    const byClick = attribute(visitorId ? indexes.clicksOfVisitor(visitorId) : [], at, program.window_days)
    const result = followed
      ? ({ attributed: true, partner_code: followed.partner_code!, click: firstClick, click_age_days: firstClick ? Math.floor((at - Date.parse(firstClick.created_at)) / DAY_MS) : null, source: followed.attribution_source ?? 'click' } as const)
      : byCoupon
        ? ({ attributed: true, partner_code: byCoupon.partner.code, click: undefined, click_age_days: null, source: 'coupon' } as const)
        : byClick.attributed
          ? ({ ...byClick, partner_code: byClick.click.partner_code, source: 'click' } as const)
          : byClick
    const click = 'click' in result ? result.click : undefined
    const createdAt = isoTime(at)
    const id = store.id('sale')
    let commissionId: string | null = null
    let commission = 0
    if (result.attributed) {
      commissionId = store.id('com')
      commission = commissionCents(program.commission, input.amount_cents)
      state.commissions.push({
        id: commissionId,
        program_id: program.id,
        sale_id: id,
        partner_code: result.partner_code,
        amount_cents: commission,
        reversed_cents: 0,
        status: 'pending',
        created_at: createdAt,
      })
    }
    const sale: Sale = {
      seq: ++state.seq,
      id,
      program_id: program.id,
      transaction_id: input.transaction_id,
      amount_cents: input.amount_cents,
      currency: input.currency,
      customer_key: input.customer_key ?? null,
      customer_id: customer ? customer.id : null,
      visitor_id: visitorId,
      click_id: click ? click.id : null,
      partner_code: result.attributed ? result.partner_code : null,
      attributed: result.attributed,
      attribution_source: result.attributed ? result.source : null,
      coupon_code: coupon ? coupon.code : input.coupon_codes?.[0] ?? null,
      ...(couponStatus && { coupon_status: couponStatus }),
      reason: result.attributed ? null : input.no_metadata ? 'no_metadata' : result.reason,
      click_age_days: 'click_age_days' in result ? result.click_age_days : null,
      window_days: program.window_days,
      commission_id: commissionId,
      commission_cents: commission,
      sale_type: input.sale_type,
      is_recurring: input.is_recurring,
      subscription_id: input.subscription_id ?? null,
      source: input.source,
      stripe_ids: input.stripe_ids ?? [],
      refunded_cents: 0,
      refund_state: 'none',
      created_at: createdAt,
      request: input.request,
    }
    state.sales.push(sale)
    return sale
  })
}

/** The sale API's answer for a recorded sale. */
export function saleAnswer(sale: Sale): Body {
  const coupon = sale.coupon_status ? { coupon_code: sale.coupon_code, coupon_status: sale.coupon_status } : {}
  if (sale.attributed) {
    const { id: sale_id, commission_id, commission_cents, partner_code, click_id } = sale
    return { success: true, attributed: true, sale_id, commission_id, commission_cents, partner_code, click_id, attribution_source: sale.attribution_source ?? 'click', ...coupon }
  }
  return {
    success: true,
    attributed: false,
    reason: sale.reason,
    ...(sale.reason == 'attribution_window_expired' && { click_age_days: sale.click_age_days, window_days: sale.window_days }),
    sale_id: sale.id,
    commission_id: null,
    ...coupon,
  }
}

/** A webhook's answer for the sale it recorded: shorter than the sale API's, with its transaction id. */
export function saleOutcome(sale: Sale): Body {
  const { id: sale_id, transaction_id, attributed, reason, partner_code, commission_cents } = sale
  const coupon = sale.coupon_status ? { coupon_code: sale.coupon_code, coupon_status: sale.coupon_status } : {}
  return attributed
    ? { sale_id, transaction_id, attributed, partner_code, commission_cents, attribution_source: sale.attribution_source ?? 'click', ...coupon }
    : { sale_id, transaction_id, attributed, reason, ...coupon }
}
