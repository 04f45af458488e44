// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import { closeServers, startTestServer } from '../helpers/server'

afterEach(closeServers)

/** A server with one attributed sale `order_1` of $100.00 (commission $30.00) and one unattributed `order_2`. */
async function withSales() {
  const server = await startTestServer()
  const { click_id } = (await server.click('P1')).body
  await server.sale({ transaction_id: 'order_1', amount_cents: 10_000, click_id })
  await server.sale({ transaction_id: 'order_2', amount_cents: 5_000 })
  return server
}

describe('POST /api/v1/track/refund', () => {
  it('reverses the whole commission on a full refund', async () => {
    const server = await withSales()
    const answer = await server.refund({ transaction_id: 'order_1', refund_reason: 'requested_by_customer' })
    expect(answer).toMatchObject({ status: 200 })
    expect(answer.body).toEqual({ success: true, status: 'reversed', transaction_id: 'order_1', refunded_cents: 10_000, commission_reversed_cents: 3_000, commission_cents: 0 })
    const [refund] = await server.events('refund')
    expect(refund).toMatchObject({ type: 'refund', transaction_id: 'order_1', amount_cents: 10_000, status: 'reversed', commission_reversed_cents: 3_000, reason: 'requested_by_customer' })
    expect((await server.events('sale'))[0]).toMatchObject({ refunded_cents: 10_000, refund_state: 'full' })
  })

  it('treats refund_amount_cents 0 as a full refund', async () => {
    const server = await withSales()
    expect((await server.refund({ transaction_id: 'order_1', refund_amount_cents: 0 })).body).toMatchObject({ status: 'reversed', refunded_cents: 10_000 })
  })

  it('reduces the commission in proportion on a partial refund, and reverses the rest when the refunds add up', async () => {
    const server = await withSales()
    expect((await server.refund({ transaction_id: 'order_1', refund_amount_cents: 2_500 })).body).toMatchObject({
      status: 'refunded',
      refunded_cents: 2_500,
      commission_reversed_cents: 750,
      commission_cents: 2_250,
    })
    expect((await server.events('sale'))[0].refund_state).toBe('partial')
    expect((await server.refund({ transaction_id: 'order_1' })).body).toMatchObject({ status: 'reversed', refunded_cents: 10_000, commission_reversed_cents: 3_000, commission_cents: 0 })
    expect((await server.events('refund')).map((refund) => [refund.amount_cents, refund.commission_reversed_cents])).toEqual([
      [2_500, 750],
      [7_500, 2_250],
    ])
  })

  it('answers no_commission for a sale that carried none', async () => {
    const server = await withSales()
    expect((await server.refund({ transaction_id: 'order_2' })).body).toMatchObject({ status: 'no_commission', refunded_cents: 5_000, commission_cents: 0 })
  })

  it('is idempotent: a repeat answers the same status and changes nothing', async () => {
    const server = await withSales()
    const partial = await server.refund({ transaction_id: 'order_1', refund_amount_cents: 1_000 })
    const events = await server.events()
    expect(await server.refund({ transaction_id: 'order_1', refund_amount_cents: 1_000 })).toEqual(expect.objectContaining({ status: 200, body: partial.body }))
    expect(await server.events()).toEqual(events)

    const full = await server.refund({ transaction_id: 'order_1' })
    expect((await server.refund({ transaction_id: 'order_1' })).body).toEqual(full.body)
    expect((await server.refund({ transaction_id: 'order_1', refund_amount_cents: 50 })).body).toEqual(full.body)
    expect(await server.events('refund')).toHaveLength(2)
  })

  it('tells two partial refunds of the same amount apart by refund_id', async () => {
    const server = await withSales()
    await server.refund({ transaction_id: 'order_1', refund_amount_cents: 1_000, refund_id: 're_1' })
    await server.refund({ transaction_id: 'order_1', refund_amount_cents: 1_000, refund_id: 're_2' })
    expect((await server.refund({ transaction_id: 'order_1', refund_amount_cents: 1_000, refund_id: 're_2' })).body).toMatchObject({ refunded_cents: 2_000 })
  })

  it('refuses more than is left to refund, changing nothing', async () => {
    const server = await withSales()
    await server.refund({ transaction_id: 'order_1', refund_amount_cents: 9_000 })
    expect(await server.refund({ transaction_id: 'order_1', refund_amount_cents: 2_000 })).toMatchObject({
      status: 400,
      body: { error: 'refund_amount_cents exceeds the 1000 cents not yet refunded' },
    })
    expect(await server.events('refund')).toHaveLength(1)
  })

  it('answers 404 for an unknown transaction and 401 without the key', async () => {
    const server = await withSales()
    expect(await server.refund({ transaction_id: 'nope' })).toMatchObject({ status: 404, body: { error: 'Sale not found for transaction_id' } })
    expect(await server.refund({ transaction_id: 'order_1' }, {})).toMatchObject({ status: 401, body: { error: 'Invalid or missing API key' } })
  })

  it('names bad fields', async () => {
    const server = await withSales()
    expect((await server.refund({})).body).toEqual({ error: 'transaction_id is required and must be a string' })
    expect((await server.refund({ transaction_id: 'order_1', refund_amount_cents: -1 })).body).toEqual({ error: 'refund_amount_cents must be a non-negative integer' })
    expect((await server.refund({ transaction_id: 'order_1', refund_amount_cents: 1.5 })).body).toEqual({ error: 'refund_amount_cents must be a non-negative integer' })
    expect((await server.refund({ transaction_id: 'order_1', refund_reason: 3 })).body).toEqual({ error: 'refund_reason must be a string' })
  })
})
