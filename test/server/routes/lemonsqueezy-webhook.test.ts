// @vitest-environment node
import { createHmac } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Seed } from '../../../src/server'
import { closeServers, startTestServer, type TestServer } from '../helpers/server'

afterEach(closeServers)

const SECRET = 'ls_signing_secret_test'
const SEED: Seed = {
  programs: [{ id: 1, api_key: 'sk_l', allowed_origins: ['*'], commission: { type: 'percent', value: 20 }, lemonsqueezy_webhook_secret: SECRET, partners: [{ code: 'JANE', coupon_codes: ['JANE10'] }, { code: 'BOB' }] }],
}

/** An event as Lemon Squeezy posts it, signed: `X-Signature` is the hex HMAC-SHA256 of the body. */
function send(server: TestServer, eventName: string, data: Record<string, unknown>, customData?: Record<string, unknown>, secret: string | null = SECRET) {
  const body = JSON.stringify({ meta: { event_name: eventName, webhook_id: 'wh_1', ...(customData && { custom_data: customData }) }, data })
  const headers: Record<string, string> = { 'x-event-name': eventName }
  if (secret !== null) headers['x-signature'] = createHmac('sha256', secret).update(body).digest('hex')
  return server.post('/api/v1/webhooks/lemonsqueezy', body, headers)
}

const order = (id: number, extra: Record<string, unknown> = {}) => ({
  type: 'orders',
  id: String(id),
  attributes: { store_id: 1, identifier: `uuid-${id}`, order_number: id, status: 'paid', currency: 'USD', subtotal: 5000, discount_total: 0, total: 5000, refunded: false, refunded_amount: 0, ...extra },
})
const subscription = (id: number, orderId: number) => ({ type: 'subscriptions', id: String(id), attributes: { store_id: 1, order_id: orderId, status: 'active' } })
const invoice = (id: number, subscriptionId: number, extra: Record<string, unknown> = {}) => ({
  type: 'subscription-invoices',
  id: String(id),
  attributes: { store_id: 1, subscription_id: subscriptionId, billing_reason: 'renewal', status: 'paid', currency: 'USD', total: 5000, refunded: false, refunded_amount: 0, ...extra },
})

describe('the Lemon Squeezy webhook', () => {
  it('attributes an order by its custom data, keeps the subscription\'s renewals with that partner, and reverses refunds', async () => {
    const server = await startTestServer({ seed: SEED })
    const { click_id } = (await server.click('BOB')).body
    const custom = { affitor_customer_key: 'user_1', affitor_click_id: click_id, program_id: '1' }
    expect((await send(server, 'order_created', order(1), custom)).body).toMatchObject({ received: true, type: 'order_created', transaction_id: 'ls_order_1', attributed: true, partner_code: 'BOB', commission_cents: 1_000 })
    expect((await send(server, 'subscription_created', subscription(7, 1), custom)).body).toMatchObject({ subscription_id: '7', transaction_id: 'ls_order_1' })
    // The first payment is the order's; the renewal follows it, custom data or not.
    expect((await send(server, 'subscription_payment_success', invoice(70, 7, { billing_reason: 'initial' }), custom)).body).toMatchObject({ ignored: true, reason: 'first_payment_recorded_from_order' })
    expect((await send(server, 'subscription_payment_success', invoice(71, 7))).body).toMatchObject({ transaction_id: 'ls_invoice_71', attributed: true, partner_code: 'BOB' })
    expect((await send(server, 'subscription_payment_refunded', invoice(71, 7, { refunded: true, refunded_amount: 5000 }), custom)).body).toMatchObject({ status: 'reversed', transaction_id: 'ls_invoice_71' })
    expect((await send(server, 'order_refunded', order(1, { status: 'partial_refund', refunded_amount: 1000 }), custom)).body).toMatchObject({ status: 'refunded', transaction_id: 'ls_order_1' })
    expect((await send(server, 'order_refunded', order(1, { status: 'refunded', refunded: true, refunded_amount: 5000 }), custom)).body).toMatchObject({ status: 'reversed' })
    const sales = await server.events('sale')
    expect(sales.map((sale) => [sale.transaction_id, sale.source, sale.subscription_id, sale.refunded_cents])).toEqual([
      ['ls_order_1', 'lemonsqueezy', '7', 5000],
      ['ls_invoice_71', 'lemonsqueezy', '7', 5000],
    ])
  })

  it('ignores a subscription payment that names no subscription', async () => {
    const server = await startTestServer({ seed: SEED })
    const lone = invoice(80, 0)
    delete (lone.attributes as Record<string, unknown>).subscription_id
    expect((await send(server, 'subscription_payment_success', lone, { affitor_customer_key: 'user_1' })).body).toMatchObject({ ignored: true, reason: 'no_subscription' })
    expect(await server.events('sale')).toEqual([])
  })

  it('counts a redelivery once', async () => {
    const server = await startTestServer({ seed: SEED })
    await send(server, 'order_created', order(1), { affitor_customer_key: 'user_1' })
    expect((await send(server, 'order_created', order(1), { affitor_customer_key: 'user_1' })).body).toEqual({ received: true, type: 'order_created', duplicate: true })
    await send(server, 'order_refunded', order(1, { refunded_amount: 1000 }))
    await send(server, 'order_refunded', order(1, { refunded_amount: 1000 }))
    expect(await server.events('sale')).toHaveLength(1)
    expect(await server.events('refund')).toHaveLength(1)
  })

  it('pays the partner whose discount code the order used, with no cookie', async () => {
    const server = await startTestServer({ seed: SEED })
    expect((await send(server, 'order_created', order(1, { discount_code: 'jane10' }))).body).toMatchObject({ attributed: true, partner_code: 'JANE', attribution_source: 'coupon' })
  })

  it('refuses a missing or wrong signature, and a tampered body, with 400, storing nothing', async () => {
    const server = await startTestServer({ seed: SEED })
    expect((await send(server, 'order_created', order(1), undefined, null)).body).toEqual({ error: 'Missing X-Signature header' })
    const wrong = await send(server, 'order_created', order(1), undefined, 'other')
    expect(wrong).toMatchObject({ status: 400, body: { error: 'X-Signature does not match the payload: check the signing secret and pass the raw body' } })
    const body = JSON.stringify({ meta: { event_name: 'order_created' }, data: order(1) })
    const signature = createHmac('sha256', SECRET).update(body).digest('hex')
    expect((await server.post('/api/v1/webhooks/lemonsqueezy', body.replace('5000', '9000'), { 'x-signature': signature })).status).toBe(400)
    expect(await server.events()).toEqual([])
  })
})
