// @vitest-environment node
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AffitorApiError, createAffitorClient } from '../../src/node'
import { startReferenceServer, type ReferenceServer } from '../../src/server'

let server: ReferenceServer
beforeAll(async () => {
  server = await startReferenceServer({ port: 0, log: false })
})
afterAll(() => server.close())

const client = (options = {}) => createAffitorClient({ apiBase: server.url, apiKey: 'sk_demo_affitor', programId: 1, ...options })

/** A stand-in API on a free port answering with `answer(n)` for the n-th request (from 1); counts requests. */
async function fakeApi(answer: (n: number) => { status: number; body?: unknown } | 'hang') {
  let count = 0
  const http: Server = createServer((req, res) => {
    const reply = answer(++count)
    req.resume()
    if (reply == 'hang') return
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body ?? {}))
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    requests: () => count,
    close: () => (http.closeAllConnections(), new Promise((resolve) => http.close(resolve))),
  }
}

describe('the built files', () => {
  // A CommonJS backend loads dist/node.cjs, which loads the ESM-only ky through require(esm).
  it.each([
    ['dist/node.js', () => import('../../dist/node.js' as string)],
    ['dist/node.cjs', async () => createRequire(import.meta.url)('../../dist/node.cjs')],
  ])('%s records a click', async (_file, load) => {
    const { createAffitorClient: create } = (await load()) as typeof import('../../src/node')
    const answer = await create({ apiBase: server.url, apiKey: 'sk_demo_affitor' }).trackClick({ affiliate_url: 'https://shop.test/?aff=P2' })
    expect(answer).toMatchObject({ success: true, partner_code: 'P2' })
  })
})

describe('against the reference server', () => {
  it('records click → lead → sale and answers the attribution', async () => {
    const affitor = client()
    const click = await affitor.trackClick({ affiliate_url: 'https://shop.test/?aff=P1' })
    expect(click).toMatchObject({ success: true, partner_code: 'P1', click_id: expect.any(String) })
    await expect(affitor.trackLead({ customer_key: 'node_user_1', email: 'a@shop.test', click_id: click.click_id })).resolves.toMatchObject({ success: true })
    const sale = await affitor.trackSale({ transaction_id: 'node_order_1', amount_cents: 4_900, customer_key: 'node_user_1' })
    expect(sale).toMatchObject({ success: true, attributed: true, partner_code: 'P1' })
    expect(sale.duplicate).toBeUndefined()
  })

  it('resolves a repeated transaction_id as already recorded, without retrying it', async () => {
    let attempts = 0
    const affitor = client({ hooks: { beforeRequest: [() => void attempts++] } })
    await affitor.trackSale({ transaction_id: 'node_order_2', amount_cents: 100, customer_key: 'nobody' })
    attempts = 0
    const again = await affitor.trackSale({ transaction_id: 'node_order_2', amount_cents: 100, customer_key: 'nobody' })
    expect(again).toMatchObject({ success: true, duplicate: true, error: expect.stringMatching(/already been recorded/) })
    expect(attempts).toBe(1)
  })

  it('answers an unattributed sale with its reason', async () => {
    const sale = await client().trackSale({ transaction_id: 'node_order_3', amount_cents: 100, customer_key: 'never_seen' })
    expect(sale).toMatchObject({ success: true, attributed: false, reason: 'no_click' })
  })

  it('refunds a recorded sale, and rejects an unknown one with 404', async () => {
    const affitor = client()
    await affitor.trackSale({ transaction_id: 'node_order_4', amount_cents: 1_000, customer_key: 'x' })
    await expect(affitor.trackRefund({ transaction_id: 'node_order_4' })).resolves.toMatchObject({ success: true })
    const error = await affitor.trackRefund({ transaction_id: 'missing' }).catch((error) => error)
    expect(error).toBeInstanceOf(AffitorApiError)
    expect(error).toMatchObject({ status: 404, message: 'affitor API answered 404: Sale not found for transaction_id' })
  })

  it('rejects a wrong API key with 401, and an unknown partner with 400', async () => {
    await expect(client({ apiKey: 'sk_wrong' }).trackSale({ transaction_id: 't', amount_cents: 1 })).rejects.toMatchObject({ status: 401 })
    await expect(client().trackClick({ affiliate_url: 'https://shop.test/?aff=NOBODY' })).rejects.toMatchObject({ status: 400, body: { error: 'Referral link not found' } })
  })
})

describe('bad input, before any request', () => {
  it.each([
    ['trackSale without apiKey', () => createAffitorClient({ apiBase: 'http://127.0.0.1:9' }).trackSale({ transaction_id: 't', amount_cents: 1 }), /apiKey is required/],
    ['trackRefund without apiKey', () => createAffitorClient({ apiBase: 'http://127.0.0.1:9' }).trackRefund({ transaction_id: 't' }), /apiKey is required/],
    ['a sale without transaction_id', () => client().trackSale({ amount_cents: 1 } as never), /transaction_id is required/],
    ['a sale of 0 cents', () => client().trackSale({ transaction_id: 't', amount_cents: 0 }), /amount_cents .* positive integer/],
    ['a sale of 1.5 cents', () => client().trackSale({ transaction_id: 't', amount_cents: 1.5 }), /positive integer/],
    ['a lead with neither id', () => client().trackLead({ email: 'a@b.co' }), /customer_key or click_id/],
    ['a click without URL', () => client().trackClick({} as never), /affiliate_url is required/],
  ])('%s rejects with a TypeError', async (_, call, message) => {
    await expect(call()).rejects.toThrow(TypeError)
    await expect(call()).rejects.toThrow(message)
  })
})

describe('retries', () => {
  it('retries a 503 and resolves with the answer that followed', async () => {
    const api = await fakeApi((n) => (n == 1 ? { status: 503, body: { error: 'busy' } } : { status: 200, body: { success: true, message: 'Lead tracked successfully' } }))
    await expect(createAffitorClient({ apiBase: api.url }).trackLead({ customer_key: 'u' })).resolves.toMatchObject({ success: true })
    expect(api.requests()).toBe(2)
    await api.close()
  })

  it('does not retry a 400, and rejects with its message', async () => {
    const api = await fakeApi(() => ({ status: 400, body: { error: 'click_id or customer_key is required' } }))
    await expect(createAffitorClient({ apiBase: api.url }).trackLead({ customer_key: 'u' })).rejects.toThrow('affitor API answered 400: click_id or customer_key is required')
    expect(api.requests()).toBe(1)
    await api.close()
  })

  it('gives up after the retries when the API never answers', async () => {
    const api = await fakeApi(() => 'hang')
    const call = createAffitorClient({ apiBase: api.url, timeout: 200, retry: 1 }).trackLead({ customer_key: 'u' })
    await expect(call).rejects.toThrow(/timed out/)
    expect(api.requests()).toBe(2)
    await api.close()
  })

  it('throws no error that carries the API key, whatever went wrong: logging one prints no key', async () => {
    const key = 'sk_live_never_printed'
    const inspected = async (call: () => Promise<unknown>) => {
      const error = await call().then(
        () => undefined,
        (thrown) => thrown,
      )
      expect(error).toBeInstanceOf(Error)
      return inspect(error, { depth: 20, showHidden: true }) + JSON.stringify(error) + String((error as Error).stack)
    }
    const hang = await fakeApi(() => 'hang')
    const refused = await fakeApi(() => ({ status: 400, body: { error: 'bad' } }))
    const failing = await fakeApi(() => ({ status: 503 }))
    const client = (apiBase: string) => createAffitorClient({ apiBase, apiKey: key, timeout: 100, retry: 0 })
    const closed = `http://127.0.0.1:${await freePort()}`
    const errors = [
      // ky's TimeoutError, with its request attached.
      await inspected(() => client(hang.url).trackSale({ transaction_id: 't', amount_cents: 1 })),
      // fetch's network TypeError: nothing listens there.
      await inspected(() => client(closed).trackSale({ transaction_id: 't', amount_cents: 1 })),
      // The API's answers.
      await inspected(() => client(refused.url).trackSale({ transaction_id: 't', amount_cents: 1 })),
      await inspected(() => client(failing.url).trackRefund({ transaction_id: 't' })),
      // Wrong arguments.
      await inspected(() => client(refused.url).trackSale({} as never)),
    ]
    expect(errors[0]).toMatch(/TimeoutError/)
    expect(errors[1]).toMatch(/fetch failed|ECONNREFUSED/)
    for (const text of errors) expect(text).not.toContain(key)
    await Promise.all([hang.close(), refused.close(), failing.close()])
  })

  it('sends one event_id for every attempt, so that a retried lead is stored once', async () => {
    const ids: string[] = []
    const api = await fakeApi((n) => (n == 1 ? { status: 502 } : { status: 200, body: { success: true } }))
    await createAffitorClient({ apiBase: api.url, hooks: { beforeRequest: [async (request) => void ids.push((await request.clone().json()).event_id)] } }).trackLead({ customer_key: 'u' })
    expect(ids).toHaveLength(2)
    expect(ids[0]).toBe(ids[1])
    await api.close()
  })
})

/** A loopback port nothing listens on (taken, then let go). */
async function freePort(): Promise<number> {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
