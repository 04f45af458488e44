import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { test as base, expect, type BrowserContext } from '@playwright/test'
import Stripe from 'stripe'
import { startDemo } from '../examples/demo.mjs'

/** The e2e program: the demo's, with the fake shop hosts allowed. */
export const SEED = JSON.parse(readFileSync(new URL('./seed.json', import.meta.url), 'utf8'))
export const PROGRAM = SEED.programs[0]
const DAY = 86_400_000

/** An event as `GET /__affitor/events` lists it. */
export type Recorded = { type: string; [field: string]: any }

/** The demo (reference server, example site and backend) on a free port, with helpers. */
export interface Demo {
  port: number
  /** A URL on a fake shop host: `at('www', '/?aff=P1')` is `http://www.shop.test:PORT/?aff=P1`. */
  at(subdomain: 'www' | 'app', path?: string): string
  /** The events the server recorded, oldest first. */
  events(type?: 'click' | 'lead' | 'sale' | 'refund'): Promise<Recorded[]>
  /** Reports a sale as a site's backend does, with the program's API key. */
  sale(body: Record<string, unknown>): Promise<{ status: number; body: any }>
  /** Sends a Stripe webhook signed by the official library's test helper. */
  stripe(type: string, object: Record<string, unknown>): Promise<{ status: number; body: any }>
  /** Moves the server's clock forward. */
  advanceDays(days: number): Promise<void>
}

export const test = base.extend<{ demo: Demo }>({
  demo: async ({}, use) => {
    // With the pages of e2e/pages at /e2e/: pages written as a site would, for what the example site does not show.
    // And the fake hosts the browser maps to loopback (e2e/chromium.mjs), some outside allowed_origins.
    const server = await startDemo({
      port: 0,
      seed: SEED,
      testClock: true,
      pages: { '/e2e/': fileURLToPath(new URL('./pages/', import.meta.url)) },
      allowedHosts: ['.shop.test', '.other.test', '.shop.co.uk', '.github.io'],
    })
    const api = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const payload = typeof body == 'string' ? body : JSON.stringify(body)
      const response = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload })
      return { status: response.status, body: await response.json() }
    }
    await use({
      port: server.port,
      at: (subdomain, path = '/') => `http://${subdomain}.shop.test:${server.port}${path}`,
      async events(type) {
        const response = await fetch(`${server.url}/__affitor/events${type ? `?type=${type}` : ''}`)
        return (await response.json()).events
      },
      sale: (body) => api('/api/v1/track/sale', body, { authorization: `Bearer ${PROGRAM.api_key}` }),
      stripe(type, object) {
        const payload = JSON.stringify({ id: `evt_${Math.random().toString(36).slice(2)}`, object: 'event', type, data: { object } })
        const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: PROGRAM.stripe_webhook_secret })
        return api('/api/v1/webhooks/stripe', payload, { 'stripe-signature': header })
      },
      async advanceDays(days) {
        expect((await api('/__affitor/clock', { advance_days: days })).status).toBe(200)
      },
    })
    await server.close()
  },
})

export { expect }

/** The cookie named `name` as the browser stores it, or undefined. */
export async function cookie(context: BrowserContext, name: string) {
  return (await context.cookies()).find((c) => c.name == name)
}

/** Days from now until a cookie's expiry (seconds since the epoch). */
export const daysUntil = (expires: number) => (expires * 1000 - Date.now()) / DAY
