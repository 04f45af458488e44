// @vitest-environment node
import Stripe from 'stripe'
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closeServers, startTestServer, type TestServer } from './helpers/server'

// Names every object has, given where the server looks things up by a request's words: they are
// one more unknown name, never a property of the server's own objects.

afterEach(closeServers)

const SECRET = 'whsec_demo_affitor'
const NAMES = ['constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'toString', 'isPrototypeOf']
let events = 0

function send(server: TestServer, type: string, object: Record<string, unknown>) {
  const payload = JSON.stringify({ id: `evt_proto_${++events}`, object: 'event', type, data: { object } })
  return server.post('/api/v1/webhooks/stripe', payload, { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }) })
}

describe('prototype names in requests', () => {
  it.each(NAMES)('a signed Stripe event of type %s is an unhandled type, answered 200 with nothing of the server in it', async (type) => {
    const server = await startTestServer()
    const answer = await send(server, type, { id: 'obj_1' })
    expect(answer).toMatchObject({ status: 200, body: { received: true, ignored: true, reason: 'unhandled_event_type' } })
    expect(JSON.stringify(answer.body)).not.toMatch(/sk_|whsec_|programs|clicks/)
  })

  it('a subscription whose id is __proto__ is one more subscription: its renewal is attributed, the others unharmed, also after a restart from the data file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affitor-proto-'))
    try {
      const dataFile = join(dir, 'data.json')
      const server = await startTestServer({ dataFile })
      const { click_id } = (await server.click('P2')).body
      const metadata = { affitor_click_id: click_id, program_id: '1' }
      const session = (id: string, subscription: string) => ({ id, object: 'checkout.session', mode: 'subscription', payment_status: 'paid', amount_total: 1_900, currency: 'usd', subscription, subscription_data: { metadata }, metadata })
      const renewal = (id: string, subscription: string) => ({ id, object: 'invoice', billing_reason: 'subscription_cycle', amount_paid: 1_900, currency: 'usd', parent: { type: 'subscription_details', subscription_details: { subscription, metadata: {} } } })
      expect((await send(server, 'checkout.session.completed', session('cs_1', '__proto__'))).body).toMatchObject({ attributed: true })
      expect((await send(server, 'checkout.session.completed', session('cs_2', 'sub_plain'))).body).toMatchObject({ attributed: true })
      // A subscription nobody started inherits nothing from the one named __proto__.
      expect((await send(server, 'invoice.paid', renewal('in_0', 'sub_unknown'))).body).toMatchObject({ attributed: false, reason: 'no_metadata' })
      expect((await send(server, 'invoice.paid', renewal('in_1', '__proto__'))).body).toMatchObject({ attributed: true, partner_code: 'P2' })
      await server.close()
      const again = await startTestServer({ dataFile })
      expect((await send(again, 'invoice.paid', renewal('in_2', '__proto__'))).body).toMatchObject({ attributed: true, partner_code: 'P2' })
      expect((await send(again, 'invoice.paid', renewal('in_3', 'sub_plain'))).body).toMatchObject({ attributed: true, partner_code: 'P2' })
      expect((await send(again, 'invoice.paid', renewal('in_4', 'sub_unknown'))).body).toMatchObject({ attributed: false, reason: 'no_metadata' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
