// @vitest-environment node
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAffitorClient } from '../../src/node'
import { createApp } from '../../examples/express-stripe/app.mjs'
import { startReferenceServer, type ReferenceServer } from '../../src/server'

// examples/express-stripe against the reference server: leads from the backend, Checkout Sessions
// whose metadata the Stripe webhooks carry back (signed as Stripe signs them), sales outside Stripe.

const SECRET = 'whsec_demo_affitor'
let reference: ReferenceServer
let app: Server
let base: string
/** The parameters the example passed to `stripe.checkout.sessions.create`, newest last. */
const sessions: Record<string, any>[] = []
const logged: string[] = []
const affitor = () => createAffitorClient({ apiBase: reference.url, apiKey: 'sk_demo_affitor', programId: 1 })

beforeAll(async () => {
  reference = await startReferenceServer({ port: 0, log: false })
  const stripe = { checkout: { sessions: { create: async (params: object) => (sessions.push(params), { id: `cs_test_${sessions.length}`, url: 'https://checkout.stripe.com/c/pay/cs_test' }) } } }
  const express = createApp({ affitor: affitor(), stripe, programId: 1, apiBase: reference.url, log: (line: string) => void logged.push(line) })
  app = await new Promise<Server>((resolve) => {
    const server = express.listen(0, '127.0.0.1', () => resolve(server))
  })
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => app.close(resolve))
  await reference.close()
})

/** POSTs to the example backend as the visitor's browser would, with its first-party cookie. */
async function post(path: string, body: object, clickId?: string) {
  const response = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(clickId && { cookie: `affitor_click_id=${clickId}; theme=dark` }) }, body: JSON.stringify(body) })
  return { status: response.status, body: await response.json() }
}

/** Sends a webhook to the tracking API, signed by the official Stripe library's test helper. */
async function webhook(type: string, object: Record<string, unknown>) {
  const payload = JSON.stringify({ id: `evt_${Math.random().toString(36).slice(2)}`, object: 'event', type, data: { object } })
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET })
  const response = await fetch(reference.url + '/api/v1/webhooks/stripe', { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload })
  return response.status
}

const events = async (type: string) => ((await (await fetch(`${reference.url}/__affitor/events?type=${type}`)).json()) as { events: any[] }).events

/** A visitor who landed through `partner` and signed up: their click id and user id. */
async function visitor(partner: string) {
  const { click_id: clickId } = await affitor().trackClick({ affiliate_url: `https://shop.test/?aff=${partner}` })
  const signup = await post('/signup', { email: `${partner.toLowerCase()}@shop.test` }, clickId)
  expect(signup.status).toBe(200)
  return { clickId: clickId!, userId: signup.body.id as string }
}

describe('examples/express-stripe', () => {
  it('serves first-party mode at /_affitor: the click forwarded and recorded, its cookie set by this server', async () => {
    const response = await fetch(base + '/_affitor/api/v1/track/click', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ affiliate_url: 'https://www.shop.test/?aff=P2' }),
    })
    expect(response.status).toBe(200)
    const { click_id: clickId } = await response.json()
    // Host-only: this test's server is on an IP address.
    expect(response.headers.getSetCookie()).toEqual([
      `affitor_click_id=${clickId}; Path=/; Max-Age=5184000; SameSite=Lax`,
      'affitor_partner_code=P2; Path=/; Max-Age=5184000; SameSite=Lax',
    ])
    expect((await events('click')).find((click) => click.click_id == clickId)).toMatchObject({ partner_code: 'P2' })
    // The rest of the app is untouched by it.
    expect((await post('/signup', { email: 'not an email' })).status).toBe(400)
  })

  it('reports the lead from the backend with the click id read from the Cookie header', async () => {
    const { clickId, userId } = await visitor('P1')
    const lead = (await events('lead')).find((event) => event.customer_key == userId)
    expect(lead).toMatchObject({ click_id: clickId, partner_code: 'P1' })
  })

  it('keeps a subscription attributed: the first payment and a renewal, from signed webhooks', async () => {
    const { clickId, userId } = await visitor('P2')
    expect(await post('/checkout', { user_id: userId, plan: 'monthly' }, clickId)).toMatchObject({ status: 200, body: { url: expect.stringContaining('checkout.stripe.com') } })
    const params = sessions.at(-1)!
    const metadata = { affitor_customer_key: userId, affitor_click_id: clickId, program_id: '1' }
    expect(params).toMatchObject({ mode: 'subscription', metadata, subscription_data: { metadata } })

    // What Stripe sends back: the session with its metadata, then a renewal invoice carrying only
    // the subscription's metadata, which Stripe copied from subscription_data.metadata.
    const subscription = `sub_${userId}`
    expect(await webhook('checkout.session.completed', { id: 'cs_sub_1', object: 'checkout.session', mode: 'subscription', payment_status: 'paid', amount_total: 2_900, currency: 'usd', subscription, metadata: params.metadata })).toBe(200)
    expect(await webhook('invoice.paid', { id: 'in_sub_2', object: 'invoice', billing_reason: 'subscription_cycle', amount_paid: 2_900, currency: 'usd', parent: { type: 'subscription_details', subscription_details: { subscription, metadata: params.subscription_data.metadata } } })).toBe(200)

    const sales = (await events('sale')).filter((sale) => sale.customer_key == userId)
    expect(sales.map((sale) => [sale.attributed, sale.partner_code, sale.amount_cents])).toEqual([[true, 'P2', 2_900], [true, 'P2', 2_900]])
  })

  it('attributes a one-time Checkout payment, with no subscription_data sent to Stripe', async () => {
    const { clickId, userId } = await visitor('P1')
    await post('/checkout', { user_id: userId, plan: 'lifetime' }, clickId)
    const params = sessions.at(-1)!
    expect(params).toMatchObject({ mode: 'payment', metadata: { affitor_customer_key: userId, affitor_click_id: clickId } })
    expect(params).not.toHaveProperty('subscription_data')
    expect(await webhook('checkout.session.completed', { id: 'cs_once_1', object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 9_900, currency: 'usd', payment_intent: `pi_${userId}`, metadata: params.metadata })).toBe(200)
    const [sale] = (await events('sale')).filter((event) => event.customer_key == userId)
    expect(sale).toMatchObject({ attributed: true, partner_code: 'P1', amount_cents: 9_900 })
  })

  it('reports a sale outside Stripe once: a repeated order is "already recorded"; a refund reverses it', async () => {
    const { userId } = await visitor('P3')
    const order = { user_id: userId, amount_cents: 4_900, order_id: `order_${userId}` }
    expect(await post('/orders', order)).toMatchObject({ status: 200, body: { already_recorded: false, attributed: true, partner_code: 'P3' } })
    expect(await post('/orders', order)).toMatchObject({ status: 200, body: { already_recorded: true } })
    expect((await events('sale')).filter((sale) => sale.customer_key == userId)).toHaveLength(1)
    expect(await post(`/orders/order_${userId}/refund`, {})).toMatchObject({ status: 200, body: { success: true, status: 'reversed' } })
  })

  it('answers bad input with a 4xx and a message, and a failing lead never fails the signup', async () => {
    expect(await post('/signup', { email: 'nope' })).toMatchObject({ status: 400, body: { error: 'a valid email is required' } })
    expect(await post('/checkout', { user_id: 'ghost', plan: 'monthly' })).toMatchObject({ status: 404 })
    const { userId } = await visitor('P1')
    expect(await post('/checkout', { user_id: userId, plan: 'yearly' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/plan must be one of/) } })
    expect(await post('/orders', { user_id: userId, amount_cents: -5 })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/amount_cents/) } })
    // No click and no API-side customer: the API refuses the lead, the signup still succeeds.
    const refused = createApp({ affitor: createAffitorClient({ apiBase: 'http://127.0.0.1:9', retry: 0, timeout: 500 }), stripe: null as never, log: (line: string) => void logged.push(line) })
    const server = await new Promise<Server>((resolve) => {
      const s = refused.listen(0, '127.0.0.1', () => resolve(s))
    })
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'down@shop.test' }) })
    expect(response.status).toBe(200)
    expect(logged.at(-1)).toMatch(/^affitor lead: /)
    await new Promise((resolve) => server.close(resolve))
  })
})
