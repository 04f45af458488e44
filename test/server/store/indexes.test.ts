// @vitest-environment node
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createReferenceHandler } from '../../../src/server'
import { DEMO_SEED } from '../../../src/server/config/demo-seed'
import { createIndexes } from '../../../src/server/store/indexes'
import { emptyState, type Click, type Customer, type Sale, type State } from '../../../src/server/store/records'
import { validateSeed } from '../../../src/server/config/seed'
import { createStore } from '../../../src/server/store/store'

const programs = validateSeed(DEMO_SEED)
const AT = '2030-01-01T00:00:00.000Z'

const click = (id: string, fields: Partial<Click> = {}): Click => ({
  seq: 0,
  id,
  program_id: '1',
  visitor_id: `vis_${id}`,
  partner_code: 'P1',
  test_mode: false,
  created_at: AT,
  request: {},
  ...fields,
})

const customer = (id: string, fields: Partial<Customer> = {}): Customer => ({
  id,
  program_id: '1',
  customer_key: null,
  email: null,
  visitor_id: null,
  created_at: AT,
  ...fields,
})

const sale = (id: string, fields: Partial<Sale> = {}): Sale => ({
  seq: 0,
  id,
  program_id: '1',
  transaction_id: `tx_${id}`,
  amount_cents: 1_000,
  currency: 'USD',
  customer_key: null,
  customer_id: null,
  visitor_id: null,
  click_id: null,
  partner_code: null,
  attributed: false,
  reason: 'no_click',
  click_age_days: null,
  window_days: 60,
  commission_id: null,
  commission_cents: 0,
  sale_type: 'payment',
  is_recurring: false,
  subscription_id: null,
  source: 'api',
  stripe_ids: [],
  refunded_cents: 0,
  refund_state: 'none',
  created_at: AT,
  request: {},
  ...fields,
})

describe('createIndexes', () => {
  it('indexes a state loaded as it is, and what is appended to it later', () => {
    const state: State = { ...emptyState(), clicks: [click('clk_a', { visitor_id: 'vis_1' })], invoices: ['in_1'] }
    const indexes = createIndexes(state)
    expect(indexes.click('clk_a')).toBe(state.clicks[0])
    state.clicks.push(click('clk_b', { visitor_id: 'vis_1' }))
    state.stripe_events.push('evt_1')
    expect(indexes.click('clk_b')).toBe(state.clicks[1])
    expect(indexes.clicksOfVisitor('vis_1').map(({ id }) => id)).toEqual(['clk_a', 'clk_b'])
    expect(indexes.hasInvoice('in_1')).toBe(true)
    expect(indexes.hasInvoice('in_2')).toBe(false)
    expect(indexes.hasStripeEvent('evt_1')).toBe(true)
  })

  it('keeps to a program when given one, and compares keys exactly', () => {
    const state = emptyState()
    state.clicks.push(click('clk_a', { program_id: '2' }))
    state.customers.push(customer('cus_a', { program_id: '2', customer_key: 'User_1' }), customer('cus_b', { customer_key: 'User_1' }))
    const indexes = createIndexes(state)
    expect(indexes.click('clk_a', '1')).toBeUndefined()
    expect(indexes.click('clk_a', '2')).toBe(state.clicks[0])
    expect(indexes.click('clk_a')).toBe(state.clicks[0])
    expect(indexes.customerByKey('1', 'User_1')).toBe(state.customers[1])
    expect(indexes.customerByKey('2', 'User_1')).toBe(state.customers[0])
    expect(indexes.customerByKey('1', 'user_1')).toBeUndefined()
  })

  it("finds a session's latest click of the program", () => {
    const state = emptyState()
    state.clicks.push(
      click('clk_1', { request: { session_id: 's1' } }),
      click('clk_2', { request: { session_id: 's1' } }),
      click('clk_3', { request: { session_id: 's1' }, program_id: '2' }),
      click('clk_4', { request: { session_id: 's2' } }),
    )
    const indexes = createIndexes(state)
    expect(indexes.lastClickOfSession('s1', '1')?.id).toBe('clk_2')
    expect(indexes.lastClickOfSession('s1')?.id).toBe('clk_3')
    expect(indexes.lastClickOfSession('s3')).toBeUndefined()
  })

  it('finds the first sale of a payment by transaction id or Stripe id, in the order recorded', () => {
    const state = emptyState()
    state.sales.push(
      sale('sale_1', { transaction_id: 'pi_2', program_id: '2' }),
      sale('sale_2', { transaction_id: 'cs_1', stripe_ids: ['cs_1', 'pi_2'] }),
      sale('sale_3', { transaction_id: 'pi_3' }),
    )
    const indexes = createIndexes(state)
    expect(indexes.saleOfPayment(['pi_2'])?.id).toBe('sale_1')
    expect(indexes.saleOfPayment(['pi_2'], '1')?.id).toBe('sale_2')
    expect(indexes.saleOfPayment(['ch_x', 'pi_3', 'cs_1'], '1')?.id).toBe('sale_2')
    expect(indexes.saleOfPayment(['pi_9'])).toBeUndefined()
    expect(indexes.saleWithStripeId('pi_2')?.id).toBe('sale_2')
    expect(indexes.saleWithStripeId('pi_3')).toBeUndefined()
  })
})

describe('indexes through store changes', () => {
  it('follow updates in place, in the order the records were stored', () => {
    const store = createStore(programs)
    store.change((state) => state.sales.push(sale('sale_1'), sale('sale_2', { stripe_ids: ['in_1'] })))
    expect(store.indexes.saleWithStripeId('in_1')?.id).toBe('sale_2')
    store.change(() => store.update(store.state.sales[0], { stripe_ids: ['in_1'] }))
    expect(store.indexes.saleWithStripeId('in_1')?.id).toBe('sale_1')

    store.change((state) => state.customers.push(customer('cus_1')))
    expect(store.indexes.keylessCustomer('1', 'vis_1')).toBeUndefined()
    store.change(() => store.update(store.state.customers[0], { visitor_id: 'vis_1' }))
    expect(store.indexes.keylessCustomer('1', 'vis_1')?.id).toBe('cus_1')
  })

  it('forget what a failed change recorded or updated', () => {
    const store = createStore(programs)
    store.change((state) => state.sales.push(sale('sale_1', { stripe_ids: ['cs_1'] })))
    expect(() =>
      store.change((state) => {
        state.clicks.push(click('clk_gone', { visitor_id: 'vis_gone' }))
        expect(store.indexes.click('clk_gone')).toBeDefined()
        store.update(store.state.sales[0], { stripe_ids: ['cs_1', 'pi_1'] })
        expect(store.indexes.saleWithStripeId('pi_1')).toBeDefined()
        throw new Error('halfway')
      }),
    ).toThrow('halfway')
    expect(store.indexes.click('clk_gone')).toBeUndefined()
    expect(store.indexes.clicksOfVisitor('vis_gone')).toEqual([])
    expect(store.indexes.saleWithStripeId('pi_1')).toBeUndefined()
    expect(store.indexes.saleWithStripeId('cs_1')?.id).toBe('sale_1')

    // The position a rolled-back click held now belongs to another one.
    store.change((state) => state.clicks.push(click('clk_new', { visitor_id: 'vis_new' })))
    expect(store.indexes.click('clk_gone')).toBeUndefined()
    expect(store.indexes.click('clk_new')).toBe(store.state.clicks[0])
  })

  it('start over on reset', () => {
    const store = createStore(programs)
    store.change((state) => state.clicks.push(click('clk_1')))
    store.reset()
    expect(store.indexes.click('clk_1')).toBeUndefined()
    store.change((state) => state.clicks.push(click('clk_2')))
    expect(store.indexes.click('clk_2')).toBe(store.state.clicks[0])
  })

  it('are not part of the data file', async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), 'affitor-indexes-')), 'data.jsonl')
    const store = createStore(programs, { dataFile })
    store.change((state) => state.clicks.push(click('clk_1')))
    expect(store.indexes.click('clk_1')).toBeDefined()
    await store.close()
    const fields = readFileSync(dataFile, 'utf8').trim().split('\n').slice(1).flatMap((line) => Object.keys(JSON.parse(line).add || {}))
    expect(fields).toEqual(['clicks'])
    expect(Object.keys(emptyState())).toContain('clicks')
  })
})

/** Calls the handler in process, as a socket would, and answers the status and parsed JSON. */
async function call(handler: ReturnType<typeof createReferenceHandler>['handler'], path: string, body: unknown, headers: Record<string, string> = {}) {
  const req = Object.assign(Readable.from([Buffer.from(JSON.stringify(body))]), {
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', ...headers },
  }) as unknown as IncomingMessage
  let status = 0
  let text = ''
  const res = {
    headersSent: false,
    writeHead(code: number) {
      status = code
      return res
    },
    end(chunk: string) {
      text = chunk
    },
  } as unknown as ServerResponse
  await handler(req, res)
  return { status, body: JSON.parse(text) }
}

describe('lookups among many stored events', () => {
  it('attribute a lead and a sale to an early click after 20,000 clicks and leads', async () => {
    const { handler, store } = createReferenceHandler({ log: false })
    const AUTH = { authorization: 'Bearer sk_demo_affitor' }
    const click = (code: string, session: string) => call(handler, '/api/v1/track/click', { affiliate_url: `https://shop.example/?aff=${code}`, session_id: session })
    const early = (await click('P3', 'early_session')).body.click_id
    const earlySession = (await click('P2', 'early_session')).body.click_id
    for (let i = 0; i < 10_000; i++) {
      const { body } = await click('P1', `session_${i}`)
      await call(handler, '/api/v1/track/lead', { customer_key: `user_${i}`, click_id: body.click_id, session_id: `session_${i}` })
    }
    expect(store.state.clicks).toHaveLength(10_002)
    expect(store.state.leads).toHaveLength(10_000)

    const lead = await call(handler, '/api/v1/track/lead', { customer_key: 'early_user', click_id: early })
    expect(lead).toMatchObject({ status: 200, body: { click_id: early, partner_code: 'P3' } })
    const bySession = await call(handler, '/api/v1/track/lead', { customer_key: 'session_user', session_id: 'early_session' })
    expect(bySession).toMatchObject({ status: 200, body: { click_id: earlySession, partner_code: 'P2' } })
    expect(await call(handler, '/api/v1/track/lead', { customer_key: 'user_5' })).toMatchObject({ status: 200, body: { duplicate: true } })

    const sale = await call(handler, '/api/v1/track/sale', { transaction_id: 'order_1', amount_cents: 10_000, customer_key: 'early_user' }, AUTH)
    expect(sale).toMatchObject({ status: 200, body: { attributed: true, partner_code: 'P3', click_id: early, commission_cents: 3_000 } })
    const late = await call(handler, '/api/v1/track/sale', { transaction_id: 'order_2', amount_cents: 10_000, customer_key: 'user_9999' }, AUTH)
    expect(late).toMatchObject({ status: 200, body: { attributed: true, partner_code: 'P1', click_id: store.state.clicks[10_001].id } })
    expect(await call(handler, '/api/v1/track/sale', { transaction_id: 'order_1', amount_cents: 1 }, AUTH)).toMatchObject({ status: 409 })
    expect(await call(handler, '/api/v1/track/refund', { transaction_id: 'order_1' }, AUTH)).toMatchObject({ status: 200, body: { status: 'reversed' } })
  }, 60_000)
})
