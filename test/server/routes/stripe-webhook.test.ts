// @vitest-environment node
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Stripe from 'stripe'
import { afterEach, describe, expect, it } from 'vitest'
import type { Seed } from '../../../src/server'
import { closeServers, DAY, startTestServer, type TestServer } from '../helpers/server'

afterEach(closeServers)

const SECRET = 'whsec_demo_affitor'
let events = 0

/** Sends a Stripe event signed by the official library's test helper. */
function send(server: TestServer, type: string, object: object, options: { secret?: string; timestamp?: number; id?: string } = {}) {
  const payload = JSON.stringify({ id: options.id ?? `evt_${++events}`, object: 'event', type, data: { object } })
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? SECRET, timestamp: options.timestamp })
  return server.post('/api/v1/webhooks/stripe', payload, { 'stripe-signature': header })
}

/** A visitor clicks `code` and signs up as `customer`; answers the affitor metadata a checkout would carry. */
async function signup(server: TestServer, code: string, customer: string) {
  const { click_id } = (await server.click(code)).body
  await server.lead({ customer_key: customer, click_id })
  return { affitor_customer_key: customer, affitor_click_id: click_id as string, program_id: '1' }
}

const paymentSession = (metadata: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  id: 'cs_pay_1',
  object: 'checkout.session',
  mode: 'payment',
  payment_status: 'paid',
  amount_total: 4_900,
  currency: 'eur',
  payment_intent: 'pi_1',
  metadata,
  ...extra,
})

const subscriptionSession = (metadata: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  id: 'cs_sub_1',
  object: 'checkout.session',
  mode: 'subscription',
  payment_status: 'paid',
  amount_total: 1_900,
  currency: 'usd',
  payment_intent: null,
  subscription: 'sub_1',
  invoice: 'in_first',
  metadata,
  ...extra,
})

/** A renewal invoice as Stripe's current API shapes it, the subscription's metadata under parent. */
const renewal = (id: string, metadata: Record<string, string> | undefined, extra: Record<string, unknown> = {}) => ({
  id,
  object: 'invoice',
  billing_reason: 'subscription_cycle',
  amount_paid: 1_900,
  currency: 'usd',
  parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_1', metadata: metadata ?? {} } },
  ...extra,
})

describe('webhook signatures', () => {
  it('accepts an event signed with the program\'s secret', async () => {
    const server = await startTestServer()
    expect(await send(server, 'customer.created', { id: 'cus_1' })).toMatchObject({ status: 200, body: { received: true, ignored: true } })
  })

  it('refuses a missing header, a tampered payload, a wrong secret and a stale timestamp with 400, recording nothing', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    const payload = JSON.stringify({ id: 'evt_x', type: 'checkout.session.completed', data: { object: paymentSession(metadata) } })
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET })
    const post = (body: string, headers: Record<string, string>) => server.post('/api/v1/webhooks/stripe', body, headers)

    expect(await post(payload, {})).toMatchObject({ status: 400, body: { error: 'Missing Stripe-Signature header' } })
    expect(await post(payload.replace('4900', '9900'), { 'stripe-signature': header })).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('No signatures found matching the expected signature for payload') },
    })
    const wrong = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' })
    expect(await post(payload, { 'stripe-signature': wrong })).toMatchObject({ status: 400, body: { error: expect.stringContaining('No signatures found') } })
    const stale = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 301 })
    expect(await post(payload, { 'stripe-signature': stale })).toMatchObject({ status: 400, body: { error: 'Stripe-Signature timestamp is outside the tolerance of 300 seconds' } })
    expect(await post(payload, { 'stripe-signature': 't=1,v1=abc' })).toMatchObject({ status: 400, body: { error: expect.stringContaining('Malformed Stripe-Signature header') } })
    expect(await server.events('sale')).toEqual([])
  })

  it('measures the tolerance against the server\'s base clock, which the test clock does not move', async () => {
    const now = Date.parse('2031-01-01T00:00:00Z')
    const server = await startTestServer({ now: () => now, testClock: true })
    expect((await send(server, 'charge.refunded', { id: 'ch_1' })).status).toBe(400)
    expect((await send(server, 'charge.refunded', { id: 'ch_1' }, { timestamp: now / 1000 }))).toMatchObject({ status: 200 })
    await server.post('/__affitor/clock', { advance_days: 61 })
    expect((await send(server, 'charge.refunded', { id: 'ch_1' }, { timestamp: now / 1000 }))).toMatchObject({ status: 200 })
  })

  it('accepts the stripeWebhookSecret option for every program', async () => {
    const server = await startTestServer({ stripeWebhookSecret: 'whsec_option' })
    expect((await send(server, 'customer.created', { id: 'x' }, { secret: 'whsec_option' })).status).toBe(200)
    expect((await send(server, 'customer.created', { id: 'x' })).status).toBe(200)
  })

  it('answers 500 when no secret is configured at all', async () => {
    const seed: Seed = { programs: [{ id: 1, api_key: 'sk', allowed_origins: [], commission: { type: 'percent', value: 1 }, partners: [] }] }
    const server = await startTestServer({ seed })
    expect(await send(server, 'customer.created', { id: 'x' })).toMatchObject({ status: 500, body: { error: expect.stringContaining('No Stripe webhook secret is configured') } })
  })

  it('refuses a signed body that is not a Stripe event', async () => {
    const server = await startTestServer()
    for (const payload of ['{"type": "invoice.paid"}', '{"type": 1, "data": {"object": {"id": "x"}}}', '{"type": "invoice.paid", "data": {"object": {}}}']) {
      const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET })
      expect(await server.post('/api/v1/webhooks/stripe', payload, { 'stripe-signature': header })).toMatchObject({
        status: 400,
        body: { error: 'Invalid Stripe event: expected "type" and "data.object" with an "id"' },
      })
    }
    const header = Stripe.webhooks.generateTestHeaderString({ payload: '{', secret: SECRET })
    expect(await server.post('/api/v1/webhooks/stripe', '{', { 'stripe-signature': header })).toMatchObject({ status: 400, body: { error: 'Invalid JSON body' } })
  })
})

describe('checkout.session.completed', () => {
  it('records a one-time payment under its payment intent, attributed through the metadata', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    const answer = await send(server, 'checkout.session.completed', paymentSession(metadata))
    expect(answer).toMatchObject({ status: 200, body: { received: true, type: 'checkout.session.completed', transaction_id: 'pi_1', attributed: true, partner_code: 'P1', commission_cents: 1_470 } })
    const [sale] = await server.events('sale')
    expect(sale).toMatchObject({ transaction_id: 'pi_1', amount_cents: 4_900, currency: 'EUR', sale_type: 'payment', is_recurring: false, source: 'stripe', customer_key: 'user_1' })
  })

  it('falls back on the click id, and on the session id without a payment intent', async () => {
    const server = await startTestServer()
    const { click_id } = (await server.click('P2')).body
    const answer = await send(server, 'checkout.session.completed', paymentSession({ affitor_click_id: click_id }, { payment_intent: null }))
    expect(answer.body).toMatchObject({ transaction_id: 'cs_pay_1', attributed: true, partner_code: 'P2' })
  })

  it('records a payment without affitor metadata as not attributed, reason no_metadata', async () => {
    const server = await startTestServer()
    expect((await send(server, 'checkout.session.completed', paymentSession({}))).body).toMatchObject({ attributed: false, reason: 'no_metadata' })
  })

  it('counts a payment the backend already reported once', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    await server.sale({ transaction_id: 'pi_1', amount_cents: 4_900, customer_key: 'user_1' })
    expect((await send(server, 'checkout.session.completed', paymentSession(metadata))).body).toMatchObject({ received: true, duplicate: true })
    expect(await server.events('sale')).toHaveLength(1)
  })

  it('skips sessions that are not paid payments', async () => {
    const server = await startTestServer()
    expect((await send(server, 'checkout.session.completed', paymentSession({}, { mode: 'setup' }))).body).toMatchObject({ ignored: true, reason: 'unsupported_mode' })
    expect((await send(server, 'checkout.session.completed', paymentSession({}, { payment_status: 'unpaid' }))).body).toMatchObject({ ignored: true, reason: 'unpaid' })
    expect((await send(server, 'checkout.session.completed', paymentSession({}, { amount_total: 0 }))).body).toMatchObject({ ignored: true, reason: 'no_amount' })
    expect((await send(server, 'checkout.session.async_payment_succeeded', paymentSession({})))).toMatchObject({ status: 200, body: { attributed: false } })
    expect(await server.events('sale')).toHaveLength(1)
  })

  it('skips an event for a program it does not know', async () => {
    const server = await startTestServer()
    expect((await send(server, 'checkout.session.completed', paymentSession({ program_id: '9' }))).body).toMatchObject({ ignored: true, reason: 'unknown_program' })
  })
})

describe('subscriptions', () => {
  it('records the first payment from checkout and an attributed renewal from invoice.paid', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    const first = await send(server, 'checkout.session.completed', subscriptionSession(metadata))
    expect(first.body).toMatchObject({ transaction_id: 'cs_sub_1', attributed: true, partner_code: 'P1' })
    const second = await send(server, 'invoice.paid', renewal('in_2', metadata))
    expect(second.body).toMatchObject({ type: 'invoice.paid', transaction_id: 'in_2', attributed: true, partner_code: 'P1', commission_cents: 570 })
    const sales = await server.events('sale')
    expect(sales.map((sale) => [sale.transaction_id, sale.sale_type, sale.is_recurring, sale.subscription_id, sale.attributed, sale.amount_cents])).toEqual([
      ['cs_sub_1', 'subscription', true, 'sub_1', true, 1_900],
      ['in_2', 'subscription', true, 'sub_1', true, 1_900],
    ])
  })

  describe('Payment Links, pricing tables and buy buttons: the click id in client_reference_id', () => {
    const linkSession = (clickId: string, extra: Record<string, unknown> = {}) =>
      paymentSession({}, { client_reference_id: clickId, customer: 'cus_link_1', customer_details: { email: 'buyer@shop.test' }, ...extra })

    it('attributes a payment to that click and ties the Stripe customer to it', async () => {
      const server = await startTestServer()
      const { click_id } = (await server.click('P2')).body
      const answer = await send(server, 'checkout.session.completed', linkSession(click_id))
      expect(answer.body).toMatchObject({ transaction_id: 'pi_1', attributed: true, partner_code: 'P2' })
      expect((await server.events('sale'))[0]).toMatchObject({ customer_key: 'cus_link_1', click_id, attributed: true })
      expect((await server.events('lead'))[0]).toMatchObject({ customer_key: 'cus_link_1', email: 'buyer@shop.test', click_id, partner_code: 'P2' })
      // A later sale the backend reports for that Stripe customer finds the same visitor.
      const later = await server.sale({ transaction_id: 'order_2', amount_cents: 1_000, customer_key: 'cus_link_1' })
      expect(later.body).toMatchObject({ attributed: true, partner_code: 'P2' })
    })

    it("attributes a subscription's first payment and its renewals, which carry no metadata", async () => {
      const server = await startTestServer()
      const { click_id } = (await server.click('P3')).body
      const first = await send(server, 'checkout.session.completed', subscriptionSession({}, { client_reference_id: click_id, customer: 'cus_sub_1' }))
      expect(first.body).toMatchObject({ attributed: true, partner_code: 'P3' })
      const renewed = await send(server, 'invoice.paid', renewal('in_2', undefined))
      expect(renewed.body).toMatchObject({ transaction_id: 'in_2', attributed: true, partner_code: 'P3' })
    })

    it('leaves a client_reference_id that is no click id of ours (the site\'s own use of it) unattributed, no_metadata', async () => {
      const server = await startTestServer()
      await server.click('P2')
      expect((await send(server, 'checkout.session.completed', linkSession('order_42'))).body).toMatchObject({ attributed: false, reason: 'no_metadata' })
      expect(await server.events('lead')).toEqual([])
    })

    it("takes no click of another program than the one whose secret signed the event: the sale is recorded, unattributed", async () => {
      const program = (id: number, secret: string, code: string) => ({
        id,
        api_key: `sk_${id}`,
        allowed_origins: [],
        commission: { type: 'percent' as const, value: 10 },
        stripe_webhook_secret: secret,
        partners: [{ code }],
      })
      const server = await startTestServer({ seed: { programs: [program(1, 'whsec_a', 'P1'), program(2, 'whsec_b', 'Q1')] } })
      const { click_id } = (await server.click('Q1', { additional_data: { program_id: '2' } })).body
      expect(click_id).toBeTruthy()
      const answer = await send(server, 'checkout.session.completed', linkSession(click_id), { secret: 'whsec_a' })
      expect(answer.body).toMatchObject({ attributed: false, reason: 'no_metadata' })
      expect((await server.events('sale')).map((sale) => sale.program_id)).toEqual(['1'])
      expect(await server.events('lead')).toEqual([])
    })

    it('records no second customer for a payment the backend reported before', async () => {
      const server = await startTestServer()
      const metadata = await signup(server, 'P2', 'user_1')
      expect((await server.sale({ transaction_id: 'pi_1', amount_cents: 4_900, customer_key: 'user_1' })).status).toBe(200)
      const answer = await send(server, 'checkout.session.completed', linkSession(metadata.affitor_click_id))
      expect(answer.body).toMatchObject({ duplicate: true, transaction_id: 'pi_1' })
      expect((await server.events('lead')).map((lead) => lead.customer_key)).toEqual(['user_1'])
    })

    it("gives a Stripe customer recorded without a click this one, and its leads too", async () => {
      const server = await startTestServer()
      await server.lead({ customer_key: 'cus_link_1', email: 'buyer@shop.test' })
      const { click_id } = (await server.click('P3')).body
      expect((await send(server, 'checkout.session.completed', linkSession(click_id))).body).toMatchObject({ attributed: true, partner_code: 'P3' })
      expect(await server.events('lead')).toEqual([expect.objectContaining({ customer_key: 'cus_link_1', click_id, partner_code: 'P3' })])
    })

    it('goes by the metadata when the session has both', async () => {
      const server = await startTestServer()
      const metadata = await signup(server, 'P1', 'user_1')
      const { click_id: other } = (await server.click('P2')).body
      expect((await send(server, 'checkout.session.completed', linkSession(other, { metadata }))).body).toMatchObject({ attributed: true, partner_code: 'P1' })
    })
  })

  it('reads the subscription metadata where older API versions put it', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P3', 'user_1')
    const invoice = { id: 'in_old', object: 'invoice', billing_reason: 'subscription_cycle', amount_paid: 900, subscription: 'sub_old', subscription_details: { metadata } }
    expect((await send(server, 'invoice.payment_succeeded', invoice)).body).toMatchObject({ attributed: true, partner_code: 'P3' })
  })

  it('remembers a session\'s subscription_data.metadata for renewals that carry none', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P2', 'user_1')
    await send(server, 'checkout.session.completed', subscriptionSession(metadata, { subscription_data: { metadata } }))
    expect((await send(server, 'invoice.paid', renewal('in_2', undefined))).body).toMatchObject({ attributed: true, partner_code: 'P2' })
  })

  it('records a renewal without affitor metadata on the subscription as not attributed, reason no_metadata', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    // Session metadata alone: Stripe does not copy it onto the subscription.
    await send(server, 'checkout.session.completed', subscriptionSession(metadata))
    const answer = await send(server, 'invoice.paid', renewal('in_2', undefined))
    expect(answer).toMatchObject({ status: 200, body: { received: true, transaction_id: 'in_2', attributed: false, reason: 'no_metadata' } })
    const sales = await server.events('sale')
    expect(sales.map((sale) => [sale.attributed, sale.partner_code, sale.reason])).toEqual([
      [true, 'P1', null],
      [false, null, 'no_metadata'],
    ])
  })

  it('counts invoice.paid and invoice.payment_succeeded for the same invoice once', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    expect((await send(server, 'invoice.payment_succeeded', renewal('in_2', metadata))).body).toMatchObject({ attributed: true })
    expect((await send(server, 'invoice.paid', renewal('in_2', metadata))).body).toEqual({ received: true, type: 'invoice.paid', duplicate: true, transaction_id: 'in_2' })
    expect(await server.events('sale')).toHaveLength(1)
  })

  it('skips the first invoice, which the checkout session already recorded', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    await send(server, 'checkout.session.completed', subscriptionSession(metadata))
    // Named by the session: a duplicate whatever its billing_reason.
    expect((await send(server, 'invoice.paid', renewal('in_first', metadata, { billing_reason: 'subscription_create' }))).body).toMatchObject({ duplicate: true })
    // Not named by a session: skipped by its billing_reason.
    expect((await send(server, 'invoice.paid', renewal('in_other', metadata, { billing_reason: 'subscription_create' }))).body).toMatchObject({
      ignored: true,
      reason: 'first_payment_recorded_from_checkout',
    })
    expect(await server.events('sale')).toHaveLength(1)
  })

  it('skips invoices that are not a subscription\'s', async () => {
    const server = await startTestServer()
    expect((await send(server, 'invoice.paid', { id: 'in_1', billing_reason: 'manual', amount_paid: 100 })).body).toMatchObject({ ignored: true, reason: 'not_a_subscription' })
  })

  it('attributes a renewal by the same window as any sale', async () => {
    const server = await startTestServer({ testClock: true })
    const metadata = await signup(server, 'P1', 'user_1')
    await server.post('/__affitor/clock', { advance_ms: 61 * DAY })
    expect((await send(server, 'invoice.paid', renewal('in_3', metadata))).body).toMatchObject({ attributed: false, reason: 'attribution_window_expired' })
  })
})

describe('subscriptions', () => {
  it('keeps renewals with the partner who won the subscription, past the window and after other clicks', async () => {
    const server = await startTestServer({ testClock: true })
    const metadata = await signup(server, 'P1', 'user_1')
    expect((await send(server, 'checkout.session.completed', subscriptionSession(metadata))).body).toMatchObject({ attributed: true, partner_code: 'P1' })
    await server.post('/__affitor/clock', { advance_days: 61 })
    // The same visitor later comes through P2's link: a new click, but the subscription stays P1's.
    await server.click('P2', { existing_click_id: metadata.affitor_click_id })
    expect((await send(server, 'invoice.paid', renewal('in_2', metadata))).body).toMatchObject({ attributed: true, partner_code: 'P1' })
    await server.post('/__affitor/clock', { advance_days: 300 })
    expect((await send(server, 'invoice.paid', renewal('in_12', metadata))).body).toMatchObject({ attributed: true, partner_code: 'P1' })
    const sales = await server.events('sale')
    expect(sales.map((sale) => [sale.partner_code, sale.commission_cents])).toEqual([['P1', 570], ['P1', 570], ['P1', 570]])
  })

  it('finds subscription payments by the payment intents a refund names, in the current API shape', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    await send(server, 'checkout.session.completed', subscriptionSession(metadata))
    const paidWith = (intent: string) => ({ payments: { object: 'list', data: [{ object: 'invoice_payment', payment: { type: 'payment_intent', payment_intent: intent } }] } })
    await send(server, 'invoice.paid', renewal('in_first', metadata, { billing_reason: 'subscription_create', ...paidWith('pi_first') }))
    await send(server, 'invoice.paid', renewal('in_2', metadata, paidWith('pi_2')))
    const refund = (intent: string) => ({ id: `ch_${intent}`, object: 'charge', payment_intent: intent, amount: 1_900, amount_refunded: 1_900, refunded: true })
    expect((await send(server, 'charge.refunded', refund('pi_first'))).body).toMatchObject({ status: 'reversed', transaction_id: 'cs_sub_1' })
    expect((await send(server, 'charge.refunded', refund('pi_2'))).body).toMatchObject({ status: 'reversed', transaction_id: 'in_2' })
    expect((await server.events('sale')).map((sale) => sale.refund_state)).toEqual(['full', 'full'])
  })
})

describe('charge.refunded', () => {
  it('refunds the sale of that payment intent, in part and then in full', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    await send(server, 'checkout.session.completed', paymentSession(metadata))
    const charge = { id: 'ch_1', object: 'charge', payment_intent: 'pi_1', amount: 4_900, amount_refunded: 900, refunded: false }
    expect((await send(server, 'charge.refunded', charge)).body).toEqual({ received: true, type: 'charge.refunded', status: 'refunded', transaction_id: 'pi_1' })
    expect((await send(server, 'charge.refunded', { ...charge, amount_refunded: 4_900, refunded: true })).body).toMatchObject({ status: 'reversed' })
    const [sale] = await server.events('sale')
    expect(sale).toMatchObject({ refunded_cents: 4_900, refund_state: 'full' })
    expect((await server.events('refund')).map((refund) => [refund.amount_cents, refund.source])).toEqual([
      [900, 'stripe'],
      [4_000, 'stripe'],
    ])
  })

  it('changes nothing when the same refund arrives again, under another event id', async () => {
    const server = await startTestServer()
    await send(server, 'checkout.session.completed', paymentSession({}))
    const charge = { id: 'ch_1', payment_intent: 'pi_1', amount_refunded: 4_900, refunded: true }
    expect((await send(server, 'charge.refunded', charge)).body).toMatchObject({ status: 'no_commission' })
    expect((await send(server, 'charge.refunded', charge)).body).toMatchObject({ status: 'no_commission' })
    expect(await server.events('refund')).toHaveLength(1)
  })

  it('finds a subscription\'s first payment by its invoice', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    await send(server, 'checkout.session.completed', subscriptionSession(metadata))
    expect((await send(server, 'charge.refunded', { id: 'ch_2', invoice: 'in_first', payment_intent: 'pi_x', amount_refunded: 1_900, refunded: true })).body).toMatchObject({
      status: 'reversed',
      transaction_id: 'cs_sub_1',
    })
  })

  it('skips a charge it has no sale for', async () => {
    const server = await startTestServer()
    expect((await send(server, 'charge.refunded', { id: 'ch_9', payment_intent: 'pi_9', amount_refunded: 100 })).body).toMatchObject({ ignored: true, reason: 'sale_not_found' })
  })
})

describe('event delivery', () => {
  it('answers an event type it does not handle 200 ignored', async () => {
    const server = await startTestServer()
    expect((await send(server, 'payment_intent.created', { id: 'pi_1' })).body).toEqual({ received: true, type: 'payment_intent.created', ignored: true, reason: 'unhandled_event_type' })
  })

  it('answers an event delivered again as a duplicate, changing nothing', async () => {
    const server = await startTestServer()
    await send(server, 'checkout.session.completed', paymentSession({}), { id: 'evt_same' })
    expect((await send(server, 'checkout.session.completed', paymentSession({}, { payment_intent: 'pi_2' }), { id: 'evt_same' })).body).toEqual({
      received: true,
      type: 'checkout.session.completed',
      duplicate: true,
    })
    expect(await server.events('sale')).toHaveLength(1)
  })
})

describe('a Checkout Session with a promotion code', () => {
  const seed: Seed = {
    programs: [
      {
        id: 1,
        api_key: 'sk_c',
        allowed_origins: ['*'],
        stripe_webhook_secret: SECRET,
        commission: { type: 'percent', value: 10 },
        partners: [{ code: 'JANE', coupon_codes: ['JANE20', 'promo_1Jane'] }, { code: 'BOB' }],
      },
    ],
  }
  const session = (id: string, extra: Record<string, unknown>) => ({ id, object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 10_000, currency: 'usd', payment_intent: `pi_${id}`, metadata: {}, ...extra })

  it('pays the code\'s partner with no metadata and no cookie: by the promotion code\'s id as a webhook names it, or its code when expanded', async () => {
    const server = await startTestServer({ seed })
    const byId = await send(server, 'checkout.session.completed', session('cs_1', { discounts: [{ coupon: null, promotion_code: 'promo_1Jane' }] }))
    expect(byId.body).toMatchObject({ attributed: true, partner_code: 'JANE', commission_cents: 1_000, attribution_source: 'coupon', coupon_code: 'promo_1Jane', coupon_status: 'applied' })
    const expanded = await send(server, 'checkout.session.completed', session('cs_2', { discounts: [{ coupon: { id: 'Z4OV52SU' }, promotion_code: { id: 'promo_other', object: 'promotion_code', code: 'jane20' } }] }))
    expect(expanded.body).toMatchObject({ attributed: true, partner_code: 'JANE', coupon_code: 'jane20' })
    // The Discount objects of an expanded total_details, their coupon under source as current versions put it.
    const breakdown = { breakdown: { discounts: [{ amount: 2_000, discount: { object: 'discount', promotion_code: null, source: { type: 'coupon', coupon: 'JANE20' } } }], taxes: [] } }
    expect((await send(server, 'checkout.session.completed', session('cs_3', { total_details: breakdown }))).body).toMatchObject({ partner_code: 'JANE', coupon_code: 'JANE20' })
  })

  it('wins over the metadata\'s click of another partner, and leaves an unknown code to the click', async () => {
    const server = await startTestServer({ seed })
    const { click_id } = (await server.click('BOB')).body
    const metadata = { affitor_click_id: click_id, program_id: '1' }
    expect((await send(server, 'checkout.session.completed', session('cs_1', { metadata, discounts: [{ coupon: null, promotion_code: 'promo_1Jane' }] }))).body).toMatchObject({ partner_code: 'JANE', attribution_source: 'coupon' })
    expect((await send(server, 'checkout.session.completed', session('cs_2', { metadata, discounts: [{ coupon: 'SOMEONE', promotion_code: 'promo_unknown' }] }))).body).toMatchObject({ partner_code: 'BOB', attribution_source: 'click', coupon_status: 'unknown' })
    const sessionType: Stripe.Checkout.Session['discounts'] = [{ coupon: null, promotion_code: 'promo_1Jane' }]
    expect(sessionType).toHaveLength(1)
  })

  it('keeps the renewals of a subscription the code won with its partner, with no metadata', async () => {
    const server = await startTestServer({ seed })
    await send(server, 'checkout.session.completed', { ...session('cs_1', { discounts: [{ coupon: null, promotion_code: 'promo_1Jane' }] }), mode: 'subscription', subscription: 'sub_1', invoice: 'in_1' })
    const renewal = { id: 'in_2', object: 'invoice', billing_reason: 'subscription_cycle', amount_paid: 10_000, currency: 'usd', parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_1', metadata: {} } } }
    expect((await send(server, 'invoice.paid', renewal)).body).toMatchObject({ attributed: true, partner_code: 'JANE', attribution_source: 'coupon' })
  })
})

describe('refunds in current Stripe API versions (invoice_payment.paid, then charge.refunded)', () => {
  /** An InvoicePayment as `invoice_payment.paid` carries it, whole, typed by the stripe package. */
  const invoicePayment = (invoice: string, paymentIntent: string): Stripe.InvoicePayment => ({
    id: `inpay_${invoice}`,
    object: 'invoice_payment',
    amount_paid: 1_900,
    amount_requested: 1_900,
    created: 1_900_000_000,
    currency: 'usd',
    invoice,
    is_default: true,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: paymentIntent },
    status: 'paid',
    status_transitions: { canceled_at: null, paid_at: 1_900_000_000 },
  })
  /** The fields of a current Charge a refund is read from: it names its payment intent, and no invoice. */
  const refundedCharge = (id: string, paymentIntent: string, amountRefunded: number): Pick<Stripe.Charge, 'id' | 'object' | 'amount' | 'amount_refunded' | 'refunded' | 'currency' | 'payment_intent'> => ({
    id,
    object: 'charge',
    amount: 1_900,
    amount_refunded: amountRefunded,
    refunded: amountRefunded == 1_900,
    currency: 'usd',
    payment_intent: paymentIntent,
  })
  // @ts-expect-error A current Charge has no `invoice`: the refund cannot name the invoice it paid.
  const noInvoice: Stripe.Charge['invoice'] = undefined
  expect(noInvoice).toBeUndefined()

  it('are tested in the API version the docs name: the stripe package\'s', () => {
    const docs = readFileSync(join(__dirname, '../../../docs/stripe.md'), 'utf8')
    expect(docs).toContain(`Stripe API version \`${(Stripe as unknown as { API_VERSION: string }).API_VERSION}\``)
  })

  it('reverses a renewal\'s commission, whichever of invoice.paid and invoice_payment.paid comes first', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    await send(server, 'checkout.session.completed', subscriptionSession(metadata, { subscription_data: { metadata } }))
    // Before this event existed, the refund could not be matched.
    await send(server, 'invoice.paid', renewal('in_2', metadata))
    expect((await send(server, 'charge.refunded', refundedCharge('ch_2', 'pi_2', 1_900))).body).toMatchObject({ ignored: true, reason: 'sale_not_found' })
    expect((await send(server, 'invoice_payment.paid', invoicePayment('in_2', 'pi_2'))).body).toEqual({ received: true, type: 'invoice_payment.paid', invoice: 'in_2', paid_with: ['pi_2'], transaction_id: 'in_2' })
    expect((await send(server, 'charge.refunded', refundedCharge('ch_2', 'pi_2', 1_900))).body).toMatchObject({ status: 'reversed', transaction_id: 'in_2' })

    // The payment told first, the invoice after.
    expect((await send(server, 'invoice_payment.paid', invoicePayment('in_3', 'pi_3'))).body).toEqual({ received: true, type: 'invoice_payment.paid', invoice: 'in_3', paid_with: ['pi_3'] })
    await send(server, 'invoice.paid', renewal('in_3', metadata))
    expect((await send(server, 'charge.refunded', refundedCharge('ch_3', 'pi_3', 950))).body).toMatchObject({ status: 'refunded', transaction_id: 'in_3' })
    const sales = await server.events('sale')
    expect(sales.map((sale) => [sale.transaction_id, sale.refund_state])).toEqual([
      ['cs_sub_1', 'none'],
      ['in_2', 'full'],
      ['in_3', 'partial'],
    ])
    const chains = (await server.get('/__affitor/chains')).body
    expect(chains.totals[0]).toMatchObject({ partner_code: 'P1', commission_reversed_cents: { USD: 570 + 285 } })
  })

  it('reverses the first subscription payment, recorded from the checkout session, and counts a redelivered event once', async () => {
    const server = await startTestServer()
    const metadata = await signup(server, 'P1', 'user_1')
    await send(server, 'checkout.session.completed', subscriptionSession(metadata, { subscription_data: { metadata } }))
    await send(server, 'invoice_payment.paid', invoicePayment('in_first', 'pi_first'), { id: 'evt_pay_first' })
    expect((await send(server, 'invoice_payment.paid', invoicePayment('in_first', 'pi_first'), { id: 'evt_pay_first' })).body).toMatchObject({ duplicate: true })
    expect((await send(server, 'charge.refunded', refundedCharge('ch_first', 'pi_first', 1_900))).body).toMatchObject({ status: 'reversed', transaction_id: 'cs_sub_1' })
    expect((await send(server, 'invoice_payment.paid', { id: 'inpay_x', object: 'invoice_payment', invoice: 'in_9', payment: { type: 'payment_record' } })).body).toMatchObject({ ignored: true, reason: 'no_payment' })
  })
})
