// @vitest-environment node
import Stripe from 'stripe'
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_SEED } from '../../../src/server/config/demo-seed'
import { validateSeed } from '../../../src/server/config/seed'
import { buildChains, filterChains, filteredChains, listEvents, partnerTotals, recentChains, type Chain, type ChainFilter, type PartnerTotals } from '../../../src/server/inspector/inspection'
import { runningTotals } from '../../../src/server/inspector/running-totals'
import { createStore } from '../../../src/server/store/store'
import { AUTH, closeServers, DAY, startTestServer, testClock, type TestServer } from '../helpers/server'

afterEach(closeServers)

describe('listEvents', () => {
  it('lists every event in the order recorded, with its type, id and time', async () => {
    const clock = testClock()
    const server = await startTestServer({ now: clock.now })
    const { click_id } = (await server.click('P1')).body
    clock.advance(1_000)
    await server.lead({ customer_key: 'u', click_id })
    clock.advance(1_000)
    const { sale_id } = (await server.sale({ transaction_id: 't', amount_cents: 100, customer_key: 'u' })).body
    await server.refund({ transaction_id: 't' })
    const events = await server.events()
    expect(events.map((event) => [event.type, event.seq])).toEqual([
      ['click', 1],
      ['lead', 2],
      ['sale', 3],
      ['refund', 4],
    ])
    expect(events[0]).toMatchObject({ id: click_id, click_id, created_at: '2030-01-01T00:00:00.000Z' })
    expect(events[1]).toMatchObject({ lead_id: events[1].id, created_at: '2030-01-01T00:00:01.000Z' })
    expect(events[2]).toMatchObject({ id: sale_id, sale_id, created_at: '2030-01-01T00:00:02.000Z', refund_state: 'full' })
    expect(events[3]).toMatchObject({ refund_id: events[3].id })
    expect((await server.events('sale')).map((event) => event.type)).toEqual(['sale'])
  })
})

describe('buildChains', () => {
  it('draws one visitor\'s clicks, lead and sales as one chain, latest first', async () => {
    const clock = testClock()
    const server = await startTestServer({ now: clock.now })
    const first = (await server.click('P1')).body.click_id
    clock.advance(DAY)
    const second = (await server.click('P2', { existing_click_id: first })).body.click_id
    await server.lead({ customer_key: 'user_1', email: 'a@b.co', click_id: second })
    await server.sale({ transaction_id: 'order_1', amount_cents: 10_000, customer_key: 'user_1' })
    await server.refund({ transaction_id: 'order_1', refund_amount_cents: 1_000 })
    clock.advance(DAY)
    await server.sale({ transaction_id: 'order_2', amount_cents: 500, customer_key: 'stranger' })

    const { body } = await server.get('/__affitor/chains')
    expect(body.now).toBe('2030-01-03T00:00:00.000Z')
    expect(body.programs).toEqual([{ id: '1', name: 'Demo program' }])
    const [stranger, visitor] = body.chains
    expect(stranger).toMatchObject({ id: expect.stringMatching(/^sale_/), clicks: [], customers: [], sales: [{ transaction_id: 'order_2', customer_key: 'stranger', attributed: false, reason: 'no_click' }] })
    expect(visitor.clicks.map((click: any) => [click.partner_code, click.latest])).toEqual([
      ['P1', false],
      ['P2', true],
    ])
    expect(visitor.customers).toEqual([{ customer_key: 'user_1', email: 'a@b.co', created_at: '2030-01-02T00:00:00.000Z', click_id: second, partner_code: 'P2' }])
    expect(visitor.sales).toEqual([
      expect.objectContaining({
        transaction_id: 'order_1',
        amount_cents: 10_000,
        currency: 'USD',
        attributed: true,
        partner_code: 'P2',
        commission_cents: 3_000,
        commission_reversed_cents: 300,
        refunded_cents: 1_000,
        refund_state: 'partial',
      }),
    ])
  })

  it('gives a customer no click reached a chain of its own, which a later click joins', async () => {
    const server = await startTestServer()
    await server.lead({ customer_key: 'user_1' })
    await server.sale({ transaction_id: 't1', amount_cents: 100, customer_key: 'user_1' })
    let [chain] = (await server.get('/__affitor/chains')).body.chains
    expect(chain).toMatchObject({ id: expect.stringMatching(/^cus_/), customers: [{ customer_key: 'user_1', click_id: null }], sales: [{ reason: 'no_click' }] })

    const { click_id } = (await server.click('P1')).body
    await server.lead({ customer_key: 'user_1', click_id })
    const chains = (await server.get('/__affitor/chains')).body.chains
    expect(chains).toHaveLength(1)
    ;[chain] = chains
    expect(chain).toMatchObject({ id: expect.stringMatching(/^vis_/), clicks: [{ click_id }], customers: [{ customer_key: 'user_1', click_id }] })
    expect(chain.sales).toHaveLength(1)
  })

  it('shows a Stripe renewal without metadata in the customer\'s chain as not attributed', async () => {
    const server = await startTestServer()
    const { click_id } = (await server.click('P1')).body
    await server.lead({ customer_key: 'user_1', click_id })
    const payload = JSON.stringify({
      id: 'evt_1',
      type: 'invoice.paid',
      data: { object: { id: 'in_1', billing_reason: 'subscription_cycle', amount_paid: 900, subscription: 'sub_1' } },
    })
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_demo_affitor' })
    await server.post('/api/v1/webhooks/stripe', payload, { 'stripe-signature': header })
    const chains = (await server.get('/__affitor/chains')).body.chains
    expect(chains.map((chain: any) => chain.sales.map((sale: any) => [sale.source, sale.reason]))).toEqual([[['stripe', 'no_metadata']], []])
  })
})

/**
 * Two customers of P1 (one sale refunded in full, one in part, after a click of P2 that P1's
 * replaced), a P2 customer paying in euros, a P2 visitor who never signed up, a lead with no
 * click and a sale nobody's click reached.
 */
async function recordPartnersAndRefunds() {
  const server = await startTestServer()
  const first = (await server.click('P1')).body.click_id
  await server.lead({ customer_key: 'ada', click_id: first })
  await server.sale({ transaction_id: 'order_ada', amount_cents: 10_000, customer_key: 'ada' })
  await server.refund({ transaction_id: 'order_ada' })
  const replaced = (await server.click('P2')).body.click_id
  const second = (await server.click('P1', { existing_click_id: replaced })).body.click_id
  await server.lead({ customer_key: 'bob', click_id: second })
  await server.sale({ transaction_id: 'order_bob', amount_cents: 5_000, customer_key: 'bob' })
  await server.refund({ transaction_id: 'order_bob', refund_amount_cents: 1_000 })
  const third = (await server.click('P2')).body.click_id
  await server.lead({ customer_key: 'cleo', click_id: third })
  await server.sale({ transaction_id: 'order_cleo', amount_cents: 2_000, currency: 'EUR', customer_key: 'cleo' })
  await server.click('P2')
  await server.lead({ customer_key: 'loner' })
  await server.sale({ transaction_id: 'walk_in', amount_cents: 700, customer_key: 'stranger' })
  return server
}

const customersOf = (chains: any[]) => chains.map((chain) => chain.customers.map((customer: any) => customer.customer_key).concat(chain.sales.map((sale: any) => sale.customer_key))).map((keys) => [...new Set(keys)].join()).sort()

describe('partnerTotals', () => {
  it('counts clicks, leads and sales per partner, with refunds taken off revenue and commission', async () => {
    const server = await recordPartnersAndRefunds()
    const { body } = await server.get('/__affitor/chains')
    expect(body.filter).toEqual({ partner: null, customer: null })
    expect(body.totals).toEqual([
      {
        partner_code: 'P1',
        clicks: 2,
        leads: 2,
        sales: 2,
        refunded_sales: 2,
        // 100.00 refunded in full, 50.00 less 10.00; 30% commissions: 30.00 reversed, 15.00 less 3.00.
        revenue_cents: { USD: 4_000 },
        refunded_cents: { USD: 11_000 },
        commission_cents: { USD: 1_200 },
        commission_reversed_cents: { USD: 3_300 },
      },
      {
        partner_code: 'P2',
        clicks: 3,
        leads: 1,
        sales: 1,
        refunded_sales: 0,
        revenue_cents: { EUR: 2_000 },
        refunded_cents: { EUR: 0 },
        commission_cents: { EUR: 600 },
        commission_reversed_cents: { EUR: 0 },
      },
      {
        partner_code: null,
        clicks: 0,
        leads: 1,
        sales: 1,
        refunded_sales: 0,
        revenue_cents: { USD: 700 },
        refunded_cents: { USD: 0 },
        commission_cents: {},
        commission_reversed_cents: {},
      },
    ])
  })
})

describe('filterChains', () => {
  it('keeps the chains of a partner, whatever the case of its code, and that partner\'s totals only', async () => {
    const server = await recordPartnersAndRefunds()
    const { body } = await server.get('/__affitor/chains?partner=p1')
    expect(body.filter).toEqual({ partner: 'p1', customer: null })
    expect(customersOf(body.chains)).toEqual(['ada', 'bob'])
    expect(body.totals.map((row: any) => [row.partner_code, row.clicks, row.revenue_cents])).toEqual([['P1', 2, { USD: 4_000 }]])
    // A chain is kept whole: bob's visitor clicked P2 before P1.
    expect(customersOf((await server.get('/__affitor/chains?partner=P2')).body.chains)).toEqual(['', 'bob', 'cleo'])
  })

  it('keeps the chains of a customer key, matched exactly, with the totals of that customer\'s partners', async () => {
    const server = await recordPartnersAndRefunds()
    const { body } = await server.get('/__affitor/chains?customer=bob')
    expect(body.filter).toEqual({ partner: null, customer: 'bob' })
    expect(customersOf(body.chains)).toEqual(['bob'])
    expect(body.totals).toMatchObject([
      { partner_code: 'P1', clicks: 1, leads: 1, sales: 1, revenue_cents: { USD: 4_000 }, commission_cents: { USD: 1_200 } },
      // The click of P2 that P1's replaced.
      { partner_code: 'P2', clicks: 1, leads: 0, sales: 0, revenue_cents: {} },
    ])
    // A sale with no lead is found by the key it was reported with.
    expect(customersOf((await server.get('/__affitor/chains?customer=stranger')).body.chains)).toEqual(['stranger'])
    expect((await server.get('/__affitor/chains?customer=BOB')).body.chains).toEqual([])
  })

  it('counts in the totals only the leads and sales of the customer key, not those of others in the same chain', async () => {
    const server = await startTestServer()
    const { click_id } = (await server.click('P1')).body
    // Two sign-ups from one browser: both leads and their sales sit in the visitor's chain.
    await server.lead({ customer_key: 'ada', click_id })
    await server.sale({ transaction_id: 'order_ada', amount_cents: 10_000, customer_key: 'ada' })
    await server.lead({ customer_key: 'ada_work', click_id })
    await server.sale({ transaction_id: 'order_work', amount_cents: 3_000, customer_key: 'ada_work' })
    await server.refund({ transaction_id: 'order_work' })
    const { body } = await server.get('/__affitor/chains?customer=ada')
    expect(customersOf(body.chains)).toEqual(['ada,ada_work'])
    expect(body.totals).toEqual([
      {
        partner_code: 'P1',
        clicks: 1,
        leads: 1,
        sales: 1,
        refunded_sales: 0,
        revenue_cents: { USD: 10_000 },
        refunded_cents: { USD: 0 },
        commission_cents: { USD: 3_000 },
        commission_reversed_cents: { USD: 0 },
      },
    ])
  })

  it('matches the customer key as stored, spaces included', async () => {
    const server = await startTestServer()
    await server.lead({ customer_key: 'ada' })
    await server.lead({ customer_key: ' ada ' })
    const { body } = await server.get('/__affitor/chains?customer=%20ada%20')
    expect(body.filter).toEqual({ partner: null, customer: ' ada ' })
    expect(customersOf(body.chains)).toEqual([' ada '])
    expect(customersOf((await server.get('/__affitor/chains?customer=ada')).body.chains)).toEqual(['ada'])
  })

  it('keeps what matches both filters, and takes blank values for no filter', async () => {
    const server = await recordPartnersAndRefunds()
    expect((await server.get('/__affitor/chains?partner=P1&customer=ada')).body.chains).toHaveLength(1)
    const none = (await server.get('/__affitor/chains?partner=P2&customer=ada')).body
    expect([none.chains, none.totals]).toEqual([[], []])
    const blank = (await server.get('/__affitor/chains?partner=%20%20&customer=')).body
    expect(blank.filter).toEqual({ partner: null, customer: null })
    expect(blank.chains).toHaveLength(6)
  })
})

describe('pages of the inspection routes', () => {
  /** Records every kind of chain: clicks replaced, leads with a click attached later, sales in two currencies, refunds, a customer and a sale no click reached. */
  async function record(server: TestServer, clock: ReturnType<typeof testClock>) {
    const step = () => clock.advance(1_000)
    const first = (await server.click('P1', { session_id: 's1' })).body.click_id
    step()
    const second = (await server.click('P2', { existing_click_id: first })).body.click_id
    await server.lead({ customer_key: 'ada', email: 'ada@x.co', click_id: second })
    step()
    await server.lead({ customer_key: 'bob' }, AUTH)
    const bob = (await server.click('P3', { session_id: 's2' })).body.click_id
    await server.lead({ customer_key: 'bob', click_id: bob })
    step()
    await server.sale({ transaction_id: 'o1', amount_cents: 10_000, customer_key: 'ada' })
    await server.sale({ transaction_id: 'o2', amount_cents: 3_000, currency: 'EUR', customer_key: 'bob' })
    await server.sale({ transaction_id: 'o3', amount_cents: 500, customer_key: 'nobody' })
    await server.lead({ customer_key: 'carol' }, AUTH)
    await server.sale({ transaction_id: 'o4', amount_cents: 700, customer_key: 'carol' })
    step()
    await server.refund({ transaction_id: 'o1', refund_amount_cents: 2_500 })
    await server.refund({ transaction_id: 'o2' })
    for (let i = 0; i < 5; i++) await server.click('DEMO', { session_id: `x${i}` })
    // The first chain becomes the most recently active again.
    await server.sale({ transaction_id: 'o5', amount_cents: 1_000, customer_key: 'ada' })
  }

  async function pages(server: TestServer, path: string, field: string) {
    const all: unknown[] = []
    let cursor: string | null = ''
    let count = 0
    while (cursor !== null) {
      const { status, body } = await server.get(`${path}${path.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(status).toBe(200)
      expect(body[field].length).toBeLessThanOrEqual(2)
      all.push(...body[field])
      cursor = body.next_cursor
      count++
    }
    return { all, count }
  }

  it('page by page, list the same events and chains as all at once, and the totals kept change by change equal those counted over everything', async () => {
    const clock = testClock()
    const server = await startTestServer({ now: clock.now })
    // Opened before anything is recorded: the totals follow each change from there.
    expect((await server.get('/__affitor/chains')).body.totals).toEqual([])
    await record(server, clock)
    const events = await pages(server, '/__affitor/events', 'events')
    expect(events.all).toEqual(listEvents(server.store.state).events)
    expect(events.count).toBe(Math.ceil(events.all.length / 2))
    const chains = await pages(server, '/__affitor/chains', 'chains')
    const everything = buildChains(server.store.state)
    expect(chains.all).toEqual(everything)
    expect(everything.length).toBe(9)
    expect((everything[0] as Chain).clicks.map((click) => click.partner_code)).toEqual(['P1', 'P2'])
    const { body } = await server.get('/__affitor/chains')
    expect(body.totals).toEqual(partnerTotals(everything))
    expect(body.totals.map((row: PartnerTotals) => row.partner_code)).toEqual(['DEMO', 'P1', 'P2', 'P3', null])
    // A filtered page is a page of the filtered chains, found through the indexes as the full count finds them.
    expect((await pages(server, '/__affitor/chains?partner=DEMO', 'chains')).all).toEqual(everything.filter((chain) => chain.clicks.some((click) => click.partner_code == 'DEMO')))
    const filters: ChainFilter[] = [{ partner: 'p2' }, { partner: 'P3' }, { customer: 'ada' }, { customer: 'nobody' }, { customer: 'carol' }, { partner: 'P1', customer: 'ada' }, { partner: 'nope' }]
    for (const filter of filters) {
      const query = new URLSearchParams(filter as Record<string, string>).toString()
      const expected = filterChains(buildChains(server.store.state), filter)
      expect((await pages(server, `/__affitor/chains?${query}`, 'chains')).all, query).toEqual(expected)
      expect((await server.get(`/__affitor/chains?${query}`)).body.totals, query).toEqual(partnerTotals(expected, filter))
      expect(filteredChains(server.store.indexes, filter), query).toEqual(expected)
    }
    expect(filteredChains(server.store.indexes, { customer: 'ada' }).length).toBeGreaterThan(0)
  })

  it('refuse a limit or cursor out of range', async () => {
    const server = await startTestServer()
    for (const query of ['limit=0', 'limit=1001', 'limit=ten', 'cursor=-1', 'cursor=abc']) {
      expect((await server.get(`/__affitor/events?${query}`)).status, query).toBe(400)
    }
    expect((await server.get('/__affitor/chains?limit=501')).body).toEqual({ error: 'limit must be a whole number from 1 to 500' })
  })

  it('cost what a page holds, not what is stored: the records read for a page of chains and the totals grow by a binary search\'s few from 2,000 to 20,000 clicks', async () => {
    const reads = (clicks: number) => {
      const store = createStore(validateSeed(DEMO_SEED))
      store.change((state) => {
        for (let i = 0; i < clicks; i++) state.clicks.push({ seq: ++state.seq, id: `clk_${i}`, program_id: '1', visitor_id: `vis_${i}`, partner_code: 'P1', test_mode: false, created_at: '2030-01-01T00:00:00.000Z', request: {} })
      })
      const totals = runningTotals(store)
      totals.totals()
      store.change((state) => state.clicks.push({ seq: ++state.seq, id: 'clk_last', program_id: '1', visitor_id: 'vis_last', partner_code: 'P2', test_mode: false, created_at: '2030-01-01T00:00:00.000Z', request: {} }))
      let count = 0
      const counted = new Proxy(store.state.clicks, {
        get(target, key, receiver) {
          if (typeof key == 'string' && /^\d+$/.test(key)) count++
          return Reflect.get(target, key, receiver)
        },
      })
      const state = { ...store.state, clicks: counted }
      const page = recentChains(state, store.indexes, { limit: 50 })
      expect(page.chains).toHaveLength(50)
      expect(totals.totals().map((row) => [row.partner_code, row.clicks])).toEqual([
        ['P1', clicks],
        ['P2', 1],
      ])
      return count
    }
    const few = reads(2_000)
    expect(few).toBeLessThan(200)
    // log2(20,000) - log2(2,000): about 4 more reads to find where the page starts.
    expect(reads(20_000) - few).toBeLessThanOrEqual(5)
  })
})
