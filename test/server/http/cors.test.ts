// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import type { Seed } from '../../../src/server'
import { corsHeaders, originAllowed } from '../../../src/server/http/cors'
import { closeServers, startTestServer } from '../helpers/server'

describe('originAllowed', () => {
  it('matches exact origins without regard to case', () => {
    expect(originAllowed(['https://shop.example'], 'https://shop.example')).toBe(true)
    expect(originAllowed(['https://shop.example'], 'https://SHOP.example')).toBe(true)
    expect(originAllowed(['https://shop.example'], 'http://shop.example')).toBe(false)
    expect(originAllowed(['https://shop.example'], 'https://shop.example:8443')).toBe(false)
    expect(originAllowed(['https://shop.example'], 'https://shop.example.evil.test')).toBe(false)
  })

  it('lets "*" allow any origin, "null" included', () => {
    expect(originAllowed(['*'], 'https://anything.test')).toBe(true)
    expect(originAllowed(['*'], 'null')).toBe(true)
    expect(originAllowed([], 'https://anything.test')).toBe(false)
  })

  it('reads ":*" as any port or none', () => {
    const patterns = ['http://localhost:*']
    expect(originAllowed(patterns, 'http://localhost:4700')).toBe(true)
    expect(originAllowed(patterns, 'http://localhost')).toBe(true)
    expect(originAllowed(patterns, 'https://localhost:4700')).toBe(false)
    expect(originAllowed(patterns, 'http://localhost.evil.test')).toBe(false)
    expect(originAllowed(patterns, 'http://localhost:4700.evil.test')).toBe(false)
    expect(originAllowed(['http://[::1]:*'], 'http://[::1]:3000')).toBe(true)
  })

  it('reads another "*" as part of a host name, never crossing into the path or port', () => {
    const patterns = ['https://*.shop.example']
    expect(originAllowed(patterns, 'https://www.shop.example')).toBe(true)
    expect(originAllowed(patterns, 'https://a.b.shop.example')).toBe(true)
    expect(originAllowed(patterns, 'https://shop.example')).toBe(false)
    expect(originAllowed(patterns, 'https://evil.test/.shop.example')).toBe(false)
    expect(originAllowed(patterns, 'https://www.shop.example:444')).toBe(false)
    expect(originAllowed(patterns, 'https://evilshop.example')).toBe(false)
  })

  it('treats regular expression characters in a pattern literally', () => {
    expect(originAllowed(['http://a.b:*'], 'http://axb:1')).toBe(false)
  })
})

describe('corsHeaders', () => {
  it('echoes an allowed origin and always varies on Origin', () => {
    expect(corsHeaders('http://localhost:3000', true)).toEqual({ vary: 'Origin', 'access-control-allow-origin': 'http://localhost:3000' })
    expect(corsHeaders('http://evil.test', false)).toEqual({ vary: 'Origin' })
    expect(corsHeaders(undefined, true)).toEqual({ vary: 'Origin' })
  })
})

describe('CORS over HTTP', () => {
  const seed: Seed = {
    programs: [
      { id: 1, api_key: 'sk_1', allowed_origins: ['https://shop.example'], commission: { type: 'percent', value: 10 }, partners: [{ code: 'ONE' }] },
      { id: 2, api_key: 'sk_2', allowed_origins: ['https://other.example'], commission: { type: 'percent', value: 10 }, partners: [{ code: 'TWO' }] },
    ],
  }
  const shop = { origin: 'https://shop.example' }

  afterEach(closeServers)

  it('echoes an origin the program allows on clicks and leads', async () => {
    const server = await startTestServer({ seed })
    const click = await server.click('ONE', {}, shop)
    expect(click.status).toBe(200)
    expect(click.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    expect(click.headers.get('vary')).toBe('Origin')
    const lead = await server.lead({ click_id: click.body.click_id, customer_key: 'u' }, shop)
    expect(lead.status).toBe(200)
    expect(lead.headers.get('access-control-allow-origin')).toBe('https://shop.example')
  })

  it('refuses an origin the program does not allow with a 403 and no CORS headers, recording nothing', async () => {
    const server = await startTestServer({ seed })
    const click = await server.click('TWO', {}, shop)
    expect(click).toMatchObject({ status: 403, body: { error: 'Origin https://shop.example is not allowed for program 2: add it to the program\'s allowed_origins' } })
    expect(click.headers.get('access-control-allow-origin')).toBeNull()
    expect(click.headers.get('vary')).toBe('Origin')
    const { click_id } = (await server.click('TWO')).body
    expect((await server.lead({ click_id, customer_key: 'u' }, shop)).status).toBe(403)
    expect((await server.events()).map((event) => event.type)).toEqual(['click'])
  })

  it('lets requests without Origin through: backends and curl', async () => {
    const server = await startTestServer({ seed })
    const click = await server.click('TWO')
    expect(click.status).toBe(200)
    expect(click.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('lets an origin that some program allows read errors raised before the program is known', async () => {
    const server = await startTestServer({ seed })
    const answer = await server.post('/api/v1/track/click', {}, shop)
    expect(answer).toMatchObject({ status: 400, body: { error: 'affiliate_url is required' } })
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    const stranger = await server.post('/api/v1/track/click', {}, { origin: 'https://evil.test' })
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers a preflight for an origin any program allows', async () => {
    const server = await startTestServer({ seed })
    for (const path of ['/api/v1/track/click', '/api/v1/track/lead']) {
      const answer = await server.request('OPTIONS', path, undefined, { origin: 'https://other.example', 'access-control-request-method': 'POST' })
      expect(answer.status).toBe(204)
      expect(Object.fromEntries(answer.headers)).toMatchObject({
        'access-control-allow-origin': 'https://other.example',
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type',
        vary: 'Origin',
      })
    }
  })

  it('refuses a preflight for an origin no program allows, without CORS headers', async () => {
    const server = await startTestServer({ seed })
    const answer = await server.request('OPTIONS', '/api/v1/track/click', undefined, { origin: 'https://evil.test' })
    expect(answer).toMatchObject({ status: 403, body: { error: 'Origin https://evil.test is not allowed by any program: add it to a program\'s allowed_origins' } })
    expect(answer.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('does not open sales and refunds to browsers', async () => {
    const server = await startTestServer({ seed })
    expect((await server.request('OPTIONS', '/api/v1/track/sale', undefined, shop)).status).toBe(405)
    const sale = await server.sale({ transaction_id: 't', amount_cents: 1 }, { ...shop, authorization: 'Bearer sk_1' })
    expect(sale.status).toBe(403)
    expect(sale.body.error).toMatch(/server-to-server calls only/)
    expect(sale.headers.get('access-control-allow-origin')).toBeNull()
    const fromPage = await server.request('POST', '/api/v1/track/refund', { transaction_id: 't' }, { 'sec-fetch-site': 'same-origin', authorization: 'Bearer sk_1' })
    expect(fromPage.status).toBe(403)
    expect(await server.events('sale')).toEqual([])
    // The same call from a backend goes through.
    expect((await server.sale({ transaction_id: 't', amount_cents: 1 }, { authorization: 'Bearer sk_1' })).status).toBe(200)
  })

  it('allows the demo seed\'s localhost pages on any port', async () => {
    const server = await startTestServer()
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:5173', 'http://localhost']) {
      expect((await server.click('P1', {}, { origin })).headers.get('access-control-allow-origin')).toBe(origin)
    }
    expect((await server.click('P1', {}, { origin: 'https://localhost.evil.test' })).status).toBe(403)
  })
})
