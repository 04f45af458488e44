// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import type { Seed } from '../../../src/server'
import { AUTH, closeServers, DAY, startTestServer, testClock } from '../helpers/server'

afterEach(closeServers)

/** A visitor clicks `code`, signs up as `customer`; answers the click id. */
async function signup(server: Awaited<ReturnType<typeof startTestServer>>, code: string, customer: string) {
  const { click_id } = (await server.click(code)).body
  await server.lead({ customer_key: customer, click_id })
  return click_id as string
}

describe('POST /api/v1/track/sale', () => {
  it('attributes a sale to the customer\'s click and pays the program\'s commission', async () => {
    const server = await startTestServer()
    const clickId = await signup(server, 'P1', 'user_1')
    const answer = await server.sale({ transaction_id: 'order_1', amount_cents: 4_999, customer_key: 'user_1', currency: 'eur', product_id: 'pro', line_items: [{ sku: 'pro' }] })
    expect(answer).toMatchObject({ status: 200 })
    expect(answer.body).toEqual({
      success: true,
      attributed: true,
      sale_id: expect.stringMatching(/^sale_/),
      commission_id: expect.stringMatching(/^com_/),
      commission_cents: 1_500,
      partner_code: 'P1',
      click_id: clickId,
      attribution_source: 'click',
    })
    const [sale] = await server.events('sale')
    expect(sale).toMatchObject({ sale_id: answer.body.sale_id, transaction_id: 'order_1', amount_cents: 4_999, currency: 'EUR', attributed: true, partner_code: 'P1', source: 'api', sale_type: 'payment', is_recurring: false })
  })

  it('pays a fixed commission when the program says so', async () => {
    const seed: Seed = { programs: [{ id: 1, api_key: 'sk_f', allowed_origins: ['*'], commission: { type: 'fixed', amount_cents: 500 }, partners: [{ code: 'F' }] }] }
    const server = await startTestServer({ seed })
    const { click_id } = (await server.click('F')).body
    expect((await server.sale({ transaction_id: 't', amount_cents: 100, click_id }, { authorization: 'Bearer sk_f' })).body).toMatchObject({ commission_cents: 500 })
  })

  it('finds the visitor by click_id without a customer', async () => {
    const server = await startTestServer()
    const { click_id } = (await server.click('P3')).body
    expect((await server.sale({ transaction_id: 't', amount_cents: 100, click_id })).body).toMatchObject({ attributed: true, partner_code: 'P3' })
  })

  it('prefers the customer_key\'s click to the click_id sent along', async () => {
    const server = await startTestServer()
    await signup(server, 'P1', 'user_1')
    const { click_id: other } = (await server.click('P2')).body
    expect((await server.sale({ transaction_id: 't', amount_cents: 100, customer_key: 'user_1', click_id: other })).body).toMatchObject({ partner_code: 'P1' })
    // An unknown customer falls back on the click id.
    expect((await server.sale({ transaction_id: 't2', amount_cents: 100, customer_key: 'stranger', click_id: other })).body).toMatchObject({ partner_code: 'P2' })
  })

  it('credits the visitor\'s latest click: last click wins, even after the lead', async () => {
    const server = await startTestServer()
    const first = await signup(server, 'P1', 'user_1')
    const { click_id: second } = (await server.click('P2', { existing_click_id: first })).body
    const answer = await server.sale({ transaction_id: 't', amount_cents: 1_000, customer_key: 'user_1' })
    expect(answer.body).toMatchObject({ attributed: true, partner_code: 'P2', click_id: second })
  })

  it('attributes on day 59 and not on day 61 after the click (injected clock)', async () => {
    const clock = testClock()
    const server = await startTestServer({ now: clock.now })
    await signup(server, 'P1', 'in_window')
    await signup(server, 'P1', 'too_late')
    clock.advance(59 * DAY)
    expect((await server.sale({ transaction_id: 'day59', amount_cents: 1_000, customer_key: 'in_window' })).body).toMatchObject({ attributed: true })
    clock.advance(2 * DAY)
    const late = await server.sale({ transaction_id: 'day61', amount_cents: 1_000, customer_key: 'too_late' })
    expect(late).toMatchObject({ status: 200 })
    expect(late.body).toEqual({
      success: true,
      attributed: false,
      reason: 'attribution_window_expired',
      click_age_days: 61,
      window_days: 60,
      sale_id: expect.stringMatching(/^sale_/),
      commission_id: null,
    })
    const sales = await server.events('sale')
    expect(sales.map((sale) => [sale.transaction_id, sale.attributed, sale.partner_code, sale.commission_cents])).toEqual([
      ['day59', true, 'P1', 300],
      ['day61', false, null, 0],
    ])
  })

  it('attributes on day 59 and not on day 61 after the click (HTTP test clock)', async () => {
    const server = await startTestServer({ testClock: true })
    await signup(server, 'P1', 'user_1')
    expect((await server.post('/__affitor/clock', { advance_days: 59 })).status).toBe(200)
    expect((await server.sale({ transaction_id: 'day59', amount_cents: 1_000, customer_key: 'user_1' })).body).toMatchObject({ attributed: true })
    await server.post('/__affitor/clock', { advance_days: 2 })
    expect((await server.sale({ transaction_id: 'day61', amount_cents: 1_000, customer_key: 'user_1' })).body).toMatchObject({
      attributed: false,
      reason: 'attribution_window_expired',
      click_age_days: 61,
    })
  })

  it('restarts the window with a newer click', async () => {
    const clock = testClock()
    const server = await startTestServer({ now: clock.now })
    const first = await signup(server, 'P1', 'user_1')
    clock.advance(50 * DAY)
    await server.click('P1', { existing_click_id: first })
    clock.advance(50 * DAY)
    expect((await server.sale({ transaction_id: 't', amount_cents: 100, customer_key: 'user_1' })).body).toMatchObject({ attributed: true, partner_code: 'P1' })
  })

  it('records a sale without a click as not attributed, reason no_click', async () => {
    const server = await startTestServer()
    const answer = await server.sale({ transaction_id: 't', amount_cents: 100, customer_key: 'nobody' })
    expect(answer.body).toEqual({ success: true, attributed: false, reason: 'no_click', sale_id: expect.any(String), commission_id: null })
    expect(await server.events('sale')).toHaveLength(1)
  })

  it('answers a duplicate transaction_id 409 and changes nothing', async () => {
    const server = await startTestServer()
    await signup(server, 'P1', 'user_1')
    await server.sale({ transaction_id: 'order_1', amount_cents: 1_000, customer_key: 'user_1' })
    const before = await server.events()
    const again = await server.sale({ transaction_id: 'order_1', amount_cents: 2_000, customer_key: 'user_1' })
    expect(again).toEqual(expect.objectContaining({ status: 409, body: { error: 'Duplicate transaction_id. This sale has already been recorded.' } }))
    expect(await server.events()).toEqual(before)
  })

  it('requires a valid API key', async () => {
    const server = await startTestServer()
    const body = { transaction_id: 't', amount_cents: 100 }
    for (const headers of [{}, { authorization: 'Bearer sk_wrong' }, { authorization: 'sk_demo_affitor' }, { authorization: 'Bearer ' }] as Record<string, string>[]) {
      expect(await server.sale(body, headers)).toMatchObject({ status: 401, body: { error: 'Invalid or missing API key' } })
    }
    expect(await server.events()).toEqual([])
  })

  it('answers the protocol messages for transaction_id and amount_cents, and names other bad fields', async () => {
    const server = await startTestServer()
    const cases: [Record<string, unknown>, string][] = [
      [{ amount_cents: 100 }, 'transaction_id is required and must be a string'],
      [{ transaction_id: 5, amount_cents: 100 }, 'transaction_id is required and must be a string'],
      [{ transaction_id: ' ', amount_cents: 100 }, 'transaction_id is required and must be a string'],
      [{ transaction_id: 't' }, 'amount_cents is required and must be a positive integer'],
      [{ transaction_id: 't', amount_cents: 0 }, 'amount_cents is required and must be a positive integer'],
      [{ transaction_id: 't', amount_cents: 10.5 }, 'amount_cents is required and must be a positive integer'],
      [{ transaction_id: 't', amount_cents: '100' }, 'amount_cents is required and must be a positive integer'],
      [{ transaction_id: 't', amount_cents: 100, customer_key: 1 }, 'customer_key must be a string'],
      [{ transaction_id: 't', amount_cents: 100, currency: 'dollars' }, 'currency must be a 3-letter ISO 4217 code such as USD'],
      [{ transaction_id: 't', amount_cents: 100, sale_type: 'gift' }, 'sale_type must be one of payment, subscription'],
      [{ transaction_id: 't', amount_cents: 100, is_recurring: 'yes' }, 'is_recurring must be a boolean'],
      [{ transaction_id: 't', amount_cents: 100, subscription_interval: 'weekly' }, 'subscription_interval must be one of monthly, quarterly, annual'],
      [{ transaction_id: 't', amount_cents: 100, line_items: {} }, 'line_items must be an array'],
      [{ transaction_id: 't', amount_cents: 100, additional_data: 'x' }, 'additional_data must be an object'],
    ]
    for (const [body, error] of cases) expect(await server.sale(body), error).toMatchObject({ status: 400, body: { error } })
    expect(await server.events()).toEqual([])
  })

  it('records subscription fields', async () => {
    const server = await startTestServer()
    await server.sale({ transaction_id: 'in_2', amount_cents: 1_900, sale_type: 'subscription', is_recurring: true, subscription_id: 'sub_1', subscription_interval: 'monthly' }, AUTH)
    expect((await server.events('sale'))[0]).toMatchObject({ sale_type: 'subscription', is_recurring: true, subscription_id: 'sub_1', currency: 'USD' })
  })
})

describe('promo codes', () => {
  const seed = (): Seed => ({
    programs: [
      {
        id: 1,
        api_key: 'sk_c',
        allowed_origins: ['*'],
        commission: { type: 'percent', value: 10 },
        partners: [{ code: 'JANE', coupon_codes: ['JANE20', 'promo_1Jane'] }, { code: 'BOB' }, { code: 'GONE', active: false, coupon_codes: ['GONE5'] }],
      },
    ],
  })
  const KEY = { authorization: 'Bearer sk_c' }

  it('pay the code\'s partner for a sale with no cookie, whatever the case the code is sent in', async () => {
    const server = await startTestServer({ seed: seed() })
    const answer = await server.sale({ transaction_id: 'o1', amount_cents: 10_000, customer_key: 'stranger', coupon_code: ' jane20 ' }, KEY)
    expect(answer.body).toEqual({
      success: true,
      attributed: true,
      sale_id: expect.any(String),
      commission_id: expect.any(String),
      commission_cents: 1_000,
      partner_code: 'JANE',
      click_id: null,
      attribution_source: 'coupon',
      coupon_code: 'jane20',
      coupon_status: 'applied',
    })
    const [sale] = await server.events('sale')
    expect(sale).toMatchObject({ partner_code: 'JANE', attribution_source: 'coupon', coupon_code: 'jane20', click_id: null })
  })

  it('win over a cookie click of another partner: the code is the customer\'s own choice', async () => {
    const server = await startTestServer({ seed: seed() })
    const { click_id } = (await server.click('BOB')).body
    await server.lead({ customer_key: 'ada', click_id })
    const answer = await server.sale({ transaction_id: 'o1', amount_cents: 5_000, customer_key: 'ada', coupon_code: 'JANE20' }, KEY)
    expect(answer.body).toMatchObject({ attributed: true, partner_code: 'JANE', attribution_source: 'coupon', click_id: null })
    // Without a code, the click decides as always.
    expect((await server.sale({ transaction_id: 'o2', amount_cents: 5_000, customer_key: 'ada' }, KEY)).body).toMatchObject({ partner_code: 'BOB', attribution_source: 'click', click_id })
  })

  it('leave the clicks to decide for a code nobody owns or an inactive partner\'s, and say so', async () => {
    const server = await startTestServer({ seed: seed() })
    const { click_id } = (await server.click('BOB')).body
    await server.lead({ customer_key: 'ada', click_id })
    expect((await server.sale({ transaction_id: 'o1', amount_cents: 5_000, customer_key: 'ada', coupon_code: 'NOPE' }, KEY)).body).toMatchObject({ partner_code: 'BOB', attribution_source: 'click', coupon_code: 'NOPE', coupon_status: 'unknown' })
    expect((await server.sale({ transaction_id: 'o2', amount_cents: 5_000, customer_key: 'ada', coupon_code: 'gone5' }, KEY)).body).toMatchObject({ partner_code: 'BOB', coupon_code: 'gone5', coupon_status: 'partner_inactive' })
    expect((await server.sale({ transaction_id: 'o3', amount_cents: 5_000, customer_key: 'nobody', coupon_code: 'GONE5' }, KEY)).body).toMatchObject({ attributed: false, reason: 'no_click', coupon_status: 'partner_inactive' })
  })

  it('keep a subscription with the code\'s partner for its renewals, and refuse a malformed code', async () => {
    const server = await startTestServer({ seed: seed() })
    await server.sale({ transaction_id: 'o1', amount_cents: 2_000, customer_key: 'ada', coupon_code: 'JANE20', sale_type: 'subscription', subscription_id: 'sub_1' }, KEY)
    const renewal = await server.sale({ transaction_id: 'o2', amount_cents: 2_000, customer_key: 'ada', sale_type: 'subscription', is_recurring: true, subscription_id: 'sub_1' }, KEY)
    expect(renewal.body).toMatchObject({ attributed: true, partner_code: 'JANE', attribution_source: 'coupon' })
    expect((await server.sale({ transaction_id: 'o3', amount_cents: 100, coupon_code: 'two words' }, KEY))).toMatchObject({ status: 400, body: { error: 'coupon_code must be 1 to 100 of A-Z a-z 0-9 _ . ~ -' } })
    expect(await server.events('sale')).toHaveLength(2)
  })

  it('are refused in a seed when two partners share one, or one is malformed', async () => {
    const shared = seed()
    ;(shared.programs[0].partners[1] as { coupon_codes?: string[] }).coupon_codes = ['jane20']
    await expect(startTestServer({ seed: shared })).rejects.toThrow('programs[0].partners[1].coupon_codes: "jane20" belongs to another partner of the program, or is listed twice')
    const bad = seed()
    ;(bad.programs[0].partners[1] as { coupon_codes?: unknown }).coupon_codes = ['ok', 5]
    await expect(startTestServer({ seed: bad })).rejects.toThrow('programs[0].partners[1].coupon_codes: each must be 1 to 100')
  })
})
