// @vitest-environment node
import { createHmac } from 'node:crypto'
import { Paddle } from '@paddle/paddle-node-sdk'
import { afterEach, describe, expect, it } from 'vitest'
import type { Seed } from '../../../src/server'
import { verifyPaddleSignature } from '../../../src/server/routes/paddle-webhook'
import { closeServers, startTestServer, type TestServer } from '../helpers/server'

afterEach(closeServers)

const SECRET = 'pdl_ntfset_01hv_test_secret'
const SEED: Seed = {
  programs: [{ id: 1, api_key: 'sk_p', allowed_origins: ['*'], commission: { type: 'percent', value: 20 }, paddle_webhook_secret: SECRET, partners: [{ code: 'JANE', coupon_codes: ['dsc_01jane'] }, { code: 'BOB' }] }],
}
let events = 0

/** A `Paddle-Signature` header as Paddle signs: `ts=<seconds>;h1=<hex HMAC-SHA256 of "ts:body">`. */
const sign = (body: string, secret = SECRET, ts = Math.floor(Date.now() / 1000)) => `ts=${ts};h1=${createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex')}`

function send(server: TestServer, eventType: string, data: Record<string, unknown>, options: { eventId?: string; header?: (body: string) => string | undefined } = {}) {
  const body = JSON.stringify({ event_id: options.eventId ?? `evt_01${++events}`, event_type: eventType, occurred_at: new Date().toISOString(), notification_id: `ntf_${events}`, data })
  const header = (options.header ?? sign)(body)
  return server.post('/api/v1/webhooks/paddle', body, header === undefined ? {} : { 'paddle-signature': header })
}

/** A completed transaction as Paddle Billing's `transaction.completed` carries it (the fields read, with their real names). */
const transaction = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  status: 'completed',
  customer_id: 'ctm_01',
  origin: 'web',
  subscription_id: null,
  discount_id: null,
  currency_code: 'USD',
  custom_data: null,
  details: { totals: { subtotal: '5000', discount: '0', tax: '0', total: '5000', credit: '0', balance: '0', grand_total: '5000', currency_code: 'USD' } },
  ...extra,
})

const refund = (id: string, transactionId: string, total: string, status = 'approved') => ({ id, action: 'refund', type: 'full', status, transaction_id: transactionId, currency_code: 'USD', totals: { subtotal: total, tax: '0', total, fee: '0', earnings: total, currency_code: 'USD' } })

describe('the Paddle webhook', () => {
  it('signs as Paddle\'s own SDK verifies, and verifies what that signing gives', async () => {
    const body = JSON.stringify({ event_id: 'evt_1', event_type: 'transaction.completed', data: { id: 'txn_1' } })
    const header = sign(body)
    expect(await new Paddle('test_key').webhooks.isSignatureValid(body, SECRET, header)).toBe(true)
    expect(verifyPaddleSignature(body, header, ['other', SECRET], Date.now())).toBe(SECRET)
    expect(await new Paddle('test_key').webhooks.isSignatureValid(body, 'wrong', header)).toBe(false)
    expect(() => verifyPaddleSignature(body, header, ['wrong'], Date.now())).toThrow('No Paddle-Signature matches')
    expect(() => verifyPaddleSignature(body, header, [SECRET], Date.now() + 60_000)).toThrow('outside the tolerance of 5 seconds')
  })

  it('attributes a first payment by its custom data, keeps the renewals with that partner, and reverses an approved refund', async () => {
    const server = await startTestServer({ seed: SEED })
    const { click_id } = (await server.click('BOB')).body
    const custom_data = { affitor_customer_key: 'user_1', affitor_click_id: click_id, program_id: '1' }
    const first = await send(server, 'transaction.completed', transaction('txn_01', { custom_data, subscription_id: 'sub_01' }))
    expect(first.body).toMatchObject({ received: true, type: 'transaction.completed', transaction_id: 'txn_01', attributed: true, partner_code: 'BOB', commission_cents: 1_000 })
    // A renewal: the subscription's, with or without its custom data.
    const renewal = await send(server, 'transaction.completed', transaction('txn_02', { origin: 'subscription_recurring', subscription_id: 'sub_01' }))
    expect(renewal.body).toMatchObject({ attributed: true, partner_code: 'BOB' })
    // Pending, then approved: counted once approved.
    expect((await send(server, 'adjustment.created', refund('adj_01', 'txn_02', '5000', 'pending_approval'))).body).toMatchObject({ ignored: true, reason: 'not_approved' })
    expect((await send(server, 'adjustment.updated', refund('adj_01', 'txn_02', '5000'))).body).toMatchObject({ status: 'reversed', transaction_id: 'txn_02' })
    expect((await send(server, 'adjustment.updated', refund('adj_02', 'txn_01', '2500'))).body).toMatchObject({ status: 'refunded', transaction_id: 'txn_01' })
    const sales = await server.events('sale')
    expect(sales.map((sale) => [sale.transaction_id, sale.source, sale.is_recurring, sale.refund_state])).toEqual([
      ['txn_01', 'paddle', true, 'partial'],
      ['txn_02', 'paddle', true, 'full'],
    ])
  })

  it('counts a redelivered notification once, and a second notification of the same transaction once', async () => {
    const server = await startTestServer({ seed: SEED })
    const body = transaction('txn_01', { custom_data: { affitor_customer_key: 'user_1' } })
    await send(server, 'transaction.completed', body, { eventId: 'evt_same' })
    expect((await send(server, 'transaction.completed', body, { eventId: 'evt_same' })).body).toEqual({ received: true, type: 'transaction.completed', duplicate: true })
    expect((await send(server, 'transaction.completed', body)).body).toMatchObject({ duplicate: true, transaction_id: 'txn_01' })
    await send(server, 'adjustment.updated', refund('adj_01', 'txn_01', '1000'), { eventId: 'evt_adj' })
    await send(server, 'adjustment.updated', refund('adj_01', 'txn_01', '1000'))
    expect(await server.events('sale')).toHaveLength(1)
    expect(await server.events('refund')).toHaveLength(1)
  })

  it('pays the partner whose discount the transaction applied, with no cookie', async () => {
    const server = await startTestServer({ seed: SEED })
    expect((await send(server, 'transaction.completed', transaction('txn_01', { discount_id: 'dsc_01jane' }))).body).toMatchObject({ attributed: true, partner_code: 'JANE', attribution_source: 'coupon' })
  })

  it('refuses a missing, malformed, stale or wrongly signed notification with 400, storing nothing', async () => {
    const server = await startTestServer({ seed: SEED })
    const data = transaction('txn_01', { custom_data: { affitor_customer_key: 'user_1' } })
    for (const [header, error] of [
      [() => undefined, 'Missing Paddle-Signature header'],
      [() => 'ts=1;v1=abc', 'Malformed Paddle-Signature header'],
      [(body: string) => sign(body, 'pdl_ntfset_wrong'), 'No Paddle-Signature matches the payload'],
      [(body: string) => sign(body, SECRET, Math.floor(Date.now() / 1000) - 600), 'outside the tolerance'],
      [(body: string) => sign(body + ' '), 'No Paddle-Signature matches the payload'],
    ] as const) {
      const answer = await send(server, 'transaction.completed', data, { header })
      expect(answer.status).toBe(400)
      expect(answer.body.error).toContain(error)
    }
    expect(await server.events()).toEqual([])
  })
})
