import { isoTime } from '../config/clock'
import { attachClick, recordCustomer } from './customers'
import { isObject } from './fields'
import { badRequest, HttpError, parseJsonObject, type Route } from '../http/http'
import type { Body, Click, State } from '../store/records'
import { recordRefund } from './refund'
import { recordSale, saleOutcome } from './sale'
import type { Program } from '../config/seed'
import type { ReferenceStore } from '../store/store'
import { SignatureError, verifyStripeSignature } from './stripe-signature'
import { signedPrograms } from './payment-webhooks'

/** What one handled event needs: the state, the event's time and how to find its program. */
interface EventContext {
  store: ReferenceStore
  state: State
  at: number
  /** The program whose secret signed the event, when only one program has that secret. */
  bound?: Program
  /** The program a `program_id` metadata value names, or why none applies. */
  program(programId: string | undefined): Program | string
  /** What the sales record as their request. */
  request: Body
}

/** A Stripe object: its `id` is checked before any handler runs. */
type StripeObject = Body & { id: string }

type Handler = (x: EventContext, object: StripeObject) => Body

/**
 * `POST /api/v1/webhooks/stripe`: Stripe's events, verified with the `Stripe-Signature` header
 * against each program's `stripe_webhook_secret` and the `stripeWebhookSecret` option.
 *
 * - `checkout.session.completed` (and `checkout.session.async_payment_succeeded`): a one-time
 *   payment, or a subscription's first payment, from the session's `metadata`. The transaction
 *   id is the payment intent, or the session id when there is none (subscription mode). A
 *   session without affitor metadata whose `client_reference_id` is a known click id (a Payment
 *   Link, pricing table or buy button given the visitor's click id) is attributed through that click; its
 *   Stripe customer (`customer`, with `customer_details.email`) is recorded as a customer tied
 *   to the click, under the `cus_…` id as its key, and its subscription remembers the click for
 *   the renewals, which carry no metadata either.
 * - `invoice.paid` and `invoice.payment_succeeded`: a subscription renewal, counted once per
 *   invoice whichever of the two arrives. Invoices with `billing_reason: "subscription_create"`
 *   are skipped: that payment is the one `checkout.session.completed` recorded. The affitor ids
 *   come from the subscription's metadata as the invoice carries it
 *   (`parent.subscription_details.metadata`, or `subscription_details.metadata` in older API
 *   versions), else from a session's `subscription_data.metadata` seen at checkout; without
 *   them the renewal is recorded unattributed with reason `no_metadata`.
 * - `charge.refunded`: refunds the sale of that payment (by payment intent, charge or invoice
 *   id) up to the charge's `amount_refunded`.
 * - Anything else is answered `{"received": true, "ignored": true}`.
 *
 * Every handled event is answered 200 `{"received": true, …}`, including those skipped for a
 * reason given in `reason`, so that Stripe does not retry them; a repeated event id is answered
 * `"duplicate": true`.
 */
export const stripeWebhook: Route = async (ctx) => {
  const raw = await ctx.body()
  const { store, options } = ctx
  const secrets = [...new Set([options.stripeWebhookSecret, ...store.programs.map((program) => program.stripe_webhook_secret)])].filter(
    (secret): secret is string => !!secret,
  )
  if (!secrets.length) {
    throw new HttpError(500, 'No Stripe webhook secret is configured: set stripe_webhook_secret on a program in the seed, or the stripeWebhookSecret option')
  }
  let secret: string
  try {
    // The signer's clock is the real one: the test clock moves attribution time, not Stripe's.
    secret = verifyStripeSignature(raw, ctx.req.headers['stripe-signature'] as string | undefined, secrets, ctx.clock.base())
  } catch (error) {
    throw error instanceof SignatureError ? badRequest(error.message) : error
  }
  const event = parseJsonObject(raw)
  const object = isObject(event.data) ? event.data.object : undefined
  if (typeof event.type != 'string' || !isObject(object) || typeof object.id != 'string') {
    throw badRequest('Invalid Stripe event: expected "type" and "data.object" with an "id"')
  }
  const answer = (outcome: Body) => ({ status: 200, body: { received: true, type: event.type, ...outcome } })
  // A Map: an event type such as `constructor` or `__proto__` is no handler.
  const handle = HANDLERS.get(event.type)
  if (!handle) return answer({ ignored: true, reason: 'unhandled_event_type' })
  const eventId = typeof event.id == 'string' ? event.id : undefined
  if (eventId && store.indexes.hasStripeEvent(eventId)) return answer({ duplicate: true })

  const { bound, program } = signedPrograms(store, secret, 'stripe_webhook_secret', options.stripeWebhookSecret)
  return answer(
    store.change((state) => {
      const outcome = handle(
        {
          store,
          state,
          at: ctx.clock.now(),
          bound,
          program,
          request: { stripe_event_id: eventId ?? null, stripe_event_type: event.type, object },
        },
        object as StripeObject,
      )
      if (eventId) state.stripe_events.push(eventId)
      return outcome
    }),
  )
}

const ignored = (reason: string): Body => ({ ignored: true, reason })

/** The id of a Stripe field that is an id or an expanded object, or `undefined`. */
const idOf = (value: unknown): string | undefined => (typeof value == 'string' && value ? value : isObject(value) && typeof value.id == 'string' ? value.id : undefined)

const isPositiveInteger = (value: unknown): value is number => typeof value == 'number' && Number.isSafeInteger(value) && value > 0

/** A Stripe metadata object's string values; `{}` when there is none. */
function metadataOf(value: unknown): Record<string, string> {
  const metadata: Record<string, string> = {}
  if (isObject(value)) for (const key in value) if (typeof value[key] == 'string' && value[key]) metadata[key] = value[key] as string
  return metadata
}

const hasAffitorIds = (metadata: Record<string, string>) => !!(metadata.affitor_customer_key || metadata.affitor_click_id)

/**
 * What names the promotion codes and coupons a Checkout Session applied, codes first: each of
 * its `discounts` (`promotion_code` and `coupon`, ids or expanded objects) and, when expanded,
 * `total_details.breakdown.discounts` (the `Discount` objects, whose coupon is under `source` in
 * current API versions).
 */
function discountCodes(session: StripeObject): string[] {
  const codes: string[] = []
  const ids: string[] = []
  const add = (discount: unknown) => {
    if (!isObject(discount)) return
    const promotion = discount.promotion_code
    if (isObject(promotion) && typeof promotion.code == 'string') codes.push(promotion.code)
    const source = isObject(discount.source) ? discount.source : {}
    for (const id of [idOf(promotion), idOf(discount.coupon), idOf(source.coupon)]) if (id) ids.push(id)
  }
  if (Array.isArray(session.discounts)) session.discounts.forEach(add)
  const breakdown = isObject(session.total_details) && isObject(session.total_details.breakdown) ? session.total_details.breakdown : {}
  if (Array.isArray(breakdown.discounts)) for (const entry of breakdown.discounts) if (isObject(entry)) add(entry.discount)
  return [...new Set([...codes, ...ids])].filter((code) => /^[\w.~-]{1,100}$/.test(code))
}

function checkoutCompleted(x: EventContext, session: StripeObject): Body {
  if (session.mode != 'payment' && session.mode != 'subscription') return ignored('unsupported_mode')
  // Delayed payment methods complete the session unpaid; async_payment_succeeded follows.
  if (session.payment_status == 'unpaid') return ignored('unpaid')
  const subscriptionId = idOf(session.subscription)
  // Real sessions do not carry subscription_data; a test payload may, and it names the renewals' metadata.
  let subscriptionMetadata = metadataOf(isObject(session.subscription_data) ? session.subscription_data.metadata : undefined)
  const given = metadataOf(session.metadata)
  // A Payment Link, pricing table or buy button carries no metadata of ours: the site put the click id in client_reference_id.
  const referenced = hasAffitorIds(given) ? undefined : referencedClick(x, session)
  const program = x.program(given.program_id ?? subscriptionMetadata.program_id ?? (referenced && referenced.program_id))
  if (typeof program == 'string') return ignored(program)
  let metadata = given
  if (referenced && referenced.program_id == program.id) {
    const customerKey = idOf(session.customer)
    metadata = { program_id: program.id, affitor_click_id: referenced.id, ...(customerKey && { affitor_customer_key: customerKey }) }
    // Its renewals carry no metadata either: the subscription remembers the click.
    if (!hasAffitorIds(subscriptionMetadata)) subscriptionMetadata = metadata
  }
  if (subscriptionId && hasAffitorIds(subscriptionMetadata)) {
    x.store.update(x.state.subscriptions, { [subscriptionId]: { program_id: program.id, metadata: subscriptionMetadata } })
  }
  if (!isPositiveInteger(session.amount_total)) return ignored('no_amount')
  const paymentIntent = idOf(session.payment_intent)
  const invoiceId = idOf(session.invoice)
  const transactionId = paymentIntent ?? session.id
  if (x.store.indexes.saleByTransaction(program.id, transactionId)) return { duplicate: true, transaction_id: transactionId }
  // The invoice of a subscription's first payment is this payment: its invoice.paid must not count again.
  if (invoiceId && !x.store.indexes.hasInvoice(invoiceId)) x.state.invoices.push(invoiceId)
  // Once per payment: after the duplicate check, so that a payment reported before records no second customer.
  if (referenced && metadata.affitor_customer_key) tieCustomer(x, program, metadata.affitor_customer_key, customerEmail(session), referenced)
  const subscription = session.mode == 'subscription'
  return saleOutcome(
    recordSale(x.store, program, x.at, {
      transaction_id: transactionId,
      amount_cents: session.amount_total,
      currency: currencyOf(session.currency),
      customer_key: metadata.affitor_customer_key,
      click_id: metadata.affitor_click_id,
      sale_type: subscription ? 'subscription' : 'payment',
      is_recurring: subscription,
      subscription_id: subscriptionId,
      source: 'stripe',
      stripe_ids: [session.id, paymentIntent, invoiceId].filter((id): id is string => !!id),
      no_metadata: !hasAffitorIds(metadata),
      coupon_codes: discountCodes(session),
      request: x.request,
    }),
  )
}

/**
 * The click a session names in `client_reference_id`, when it is a known click id: of the program
 * whose secret signed the event, when one did; another program's click is no reference.
 */
function referencedClick(x: EventContext, session: StripeObject): Click | undefined {
  const reference = session.client_reference_id
  return typeof reference == 'string' && reference ? x.store.indexes.click(reference, x.bound && x.bound.id) : undefined
}

/** The buyer's email a session collected: `customer_details.email`, else `customer_email`. */
function customerEmail(session: StripeObject): string | null {
  const details = isObject(session.customer_details) ? session.customer_details.email : undefined
  const email = typeof details == 'string' && details ? details : session.customer_email
  return typeof email == 'string' && email ? email : null
}

/**
 * Ties the Stripe customer of a session that named a click to that click's visitor, as a lead
 * would: a customer recorded under the Stripe customer id (`cus_…`) as its key, so that a later
 * sale reported with that key (or a renewal) finds the visitor. A customer of that key who
 * already has a visitor keeps it; one without gets this click's.
 */
function tieCustomer(x: EventContext, program: Program, customerKey: string, email: string | null, click: Click): void {
  const now = isoTime(x.at)
  const known = x.store.indexes.customerByKey(program.id, customerKey)
  if (!known) recordCustomer(x.store, x.state, program, { customerKey, email, click, now, request: x.request })
  else if (!known.visitor_id) attachClick(x.store, known, click, now)
}

/**
 * The payment intent and charge ids an invoice was paid with: under `payments` in current
 * Stripe API versions, top-level `payment_intent` and `charge` in older ones. A later
 * `charge.refunded` names only these.
 */
function invoicePaymentIds(invoice: StripeObject): string[] {
  const ids = [idOf(invoice.payment_intent), idOf(invoice.charge)]
  const payments = isObject(invoice.payments) && Array.isArray(invoice.payments.data) ? invoice.payments.data : []
  for (const entry of payments) if (isObject(entry) && isObject(entry.payment)) ids.push(idOf(entry.payment.payment_intent), idOf(entry.payment.charge))
  return ids.filter((id): id is string => !!id)
}

function invoicePaid(x: EventContext, invoice: StripeObject): Body {
  // The first invoice's payment belongs to the sale its checkout recorded: remember how it was
  // paid, so that refunding it finds that sale.
  const paidWith = invoicePaymentIds(invoice)
  const { indexes } = x.store
  const firstSale = indexes.saleWithStripeId(invoice.id)
  if (firstSale) {
    const stripeIds = firstSale.stripe_ids.slice()
    for (const id of paidWith) if (!stripeIds.includes(id)) stripeIds.push(id)
    if (stripeIds.length > firstSale.stripe_ids.length) x.store.update(firstSale, { stripe_ids: stripeIds })
  }
  if (indexes.hasInvoice(invoice.id)) return { duplicate: true, transaction_id: invoice.id }
  x.state.invoices.push(invoice.id)
  if (invoice.billing_reason == 'subscription_create') return ignored('first_payment_recorded_from_checkout')
  const details = isObject(invoice.parent) && isObject(invoice.parent.subscription_details) ? invoice.parent.subscription_details : {}
  const legacyDetails = isObject(invoice.subscription_details) ? invoice.subscription_details : {}
  const subscriptionId = idOf(invoice.subscription) ?? idOf(details.subscription)
  if (!subscriptionId) return ignored('not_a_subscription')
  const known = x.state.subscriptions[subscriptionId]
  const candidates = [metadataOf(details.metadata), metadataOf(legacyDetails.metadata), known ? known.metadata : {}]
  const metadata = candidates.find(hasAffitorIds) ?? {}
  const program = x.program(metadata.program_id ?? candidates.map((candidate) => candidate.program_id).find(Boolean) ?? (known && known.program_id))
  if (typeof program == 'string') return ignored(program)
  if (!isPositiveInteger(invoice.amount_paid)) return ignored('no_amount')
  if (indexes.saleByTransaction(program.id, invoice.id)) return { duplicate: true, transaction_id: invoice.id }
  return saleOutcome(
    recordSale(x.store, program, x.at, {
      transaction_id: invoice.id,
      amount_cents: invoice.amount_paid,
      currency: currencyOf(invoice.currency),
      customer_key: metadata.affitor_customer_key,
      click_id: metadata.affitor_click_id,
      sale_type: 'subscription',
      is_recurring: true,
      subscription_id: subscriptionId,
      source: 'stripe',
      stripe_ids: [invoice.id, ...paidWith],
      no_metadata: !hasAffitorIds(metadata),
      request: x.request,
    }),
  )
}

/**
 * `invoice_payment.paid`: how an invoice was paid. Current API versions say it only here (a
 * `Charge` no longer names its invoice, and `Invoice.payments` is not in a webhook's invoice), so
 * the payment intent and charge are tied to the invoice, and through it to the sale it recorded,
 * for a later `charge.refunded` that names only them. Comes before or after `invoice.paid`.
 */
function invoicePaymentPaid(x: EventContext, payment: StripeObject): Body {
  const invoiceId = idOf(payment.invoice)
  const details = isObject(payment.payment) ? payment.payment : {}
  const paidWith = [idOf(details.payment_intent), idOf(details.charge)].filter((id): id is string => !!id)
  if (!invoiceId || !paidWith.length) return ignored('no_payment')
  const known = x.state.payment_invoices
  const fresh = paidWith.filter((id) => known[id] !== invoiceId)
  if (fresh.length) x.store.update(known, Object.fromEntries(fresh.map((id) => [id, invoiceId])))
  const sale = x.store.indexes.saleWithStripeId(invoiceId)
  if (sale) {
    const stripeIds = [...sale.stripe_ids, ...paidWith.filter((id) => !sale.stripe_ids.includes(id))]
    if (stripeIds.length > sale.stripe_ids.length) x.store.update(sale, { stripe_ids: stripeIds })
  }
  return { invoice: invoiceId, paid_with: paidWith, ...(sale && { transaction_id: sale.transaction_id }) }
}

function chargeRefunded(x: EventContext, charge: StripeObject): Body {
  const ids = [idOf(charge.payment_intent), charge.id, idOf(charge.invoice)].filter((id): id is string => !!id)
  // A payment that invoice_payment.paid tied to its invoice: the sale is the invoice's.
  for (const id of [...ids]) if (Object.prototype.hasOwnProperty.call(x.state.payment_invoices, id)) ids.push(x.state.payment_invoices[id])
  const sale = x.store.indexes.saleOfPayment(ids, x.bound && x.bound.id)
  if (!sale) return ignored('sale_not_found')
  const refunded = charge.amount_refunded
  if (typeof refunded != 'number' || !Number.isSafeInteger(refunded) || refunded < 0) return ignored('no_amount')
  // amount_refunded is the charge's running total: what is new is the part not recorded yet.
  const full = charge.refunded === true || refunded >= sale.amount_cents
  const status = recordRefund(x.store, sale, x.at, {
    key: `stripe:${charge.id}:${refunded}`,
    amount_cents: full ? 'full' : Math.max(0, refunded - sale.refunded_cents),
    source: 'stripe',
    request: x.request,
  })
  return { status, transaction_id: sale.transaction_id }
}

const currencyOf = (value: unknown) => (typeof value == 'string' && /^[a-z]{3}$/i.test(value) ? value.toUpperCase() : 'USD')

const HANDLERS = new Map<string, Handler>([
  ['checkout.session.completed', checkoutCompleted],
  ['checkout.session.async_payment_succeeded', checkoutCompleted],
  ['invoice.paid', invoicePaid],
  ['invoice.payment_succeeded', invoicePaid],
  ['invoice_payment.paid', invoicePaymentPaid],
  ['charge.refunded', chargeRefunded],
])
