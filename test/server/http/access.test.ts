// @vitest-environment node
import { request } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { hostChecker, inspectionAllowed } from '../../../src/server/http/access'
import { closeServers, startTestServer, type TestServer } from '../helpers/server'

afterEach(closeServers)

/** A request to the server with the Host header `host`, as a page of that name would send it after DNS rebinding. */
function withHost(server: TestServer, method: string, path: string, host: string, body?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(server.url + path, { method, headers: { host, 'content-type': 'application/json' } }, (res) => {
      let text = ''
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text || 'null') }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('the Host header', () => {
  it('of another site is refused on every route, and changes nothing (DNS rebinding)', async () => {
    const server = await startTestServer()
    await server.click('P1')
    const attacker = 'rebind.attacker.test'
    for (const [method, path, body] of [
      ['GET', '/__affitor/events'],
      ['GET', '/__affitor/chains'],
      ['GET', '/__affitor/'],
      ['POST', '/__affitor/reset', '{}'],
      ['POST', '/api/v1/track/click', JSON.stringify({ affiliate_url: 'https://shop.example/?aff=P2' })],
    ] as const) {
      const answer = await withHost(server, method, path, `${attacker}:${server.port}`, body)
      expect(answer.status, path).toBe(403)
      expect(answer.body.error, path).toMatch(/Host .* is not allowed/)
      expect(JSON.stringify(answer.body)).not.toContain('clk_')
    }
    expect(await server.events()).toHaveLength(1)
  })

  it('of this machine, of the seed\'s sites, or of allowedHosts is answered', async () => {
    const seed = { programs: [{ id: 1, api_key: 'sk_1', allowed_origins: ['http://www.shop.test:*', 'https://*.shop.app'], commission: { type: 'percent' as const, value: 10 }, partners: [{ code: 'P1' }] }] }
    const server = await startTestServer({ seed, allowedHosts: ['tracking.corp.test', '.lan.test'] })
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`, `app.localhost:${server.port}`, 'www.shop.test:8080', 'eu.shop.app', 'tracking.corp.test', 'lan.test', 'a.b.lan.test']) {
      expect((await withHost(server, 'GET', '/__affitor/events', host)).status, host).toBe(200)
    }
    for (const host of ['shop.test', 'www.shop.test.evil.test', 'corp.test', 'evil-lan.test']) {
      expect((await withHost(server, 'GET', '/__affitor/events', host)).status, host).toBe(403)
    }
  })

  it('of any name, with allowedHosts: true (behind a proxy that checks it)', async () => {
    const server = await startTestServer({ allowedHosts: true })
    expect((await withHost(server, 'GET', '/__affitor/events', 'anything.test')).status).toBe(200)
  })

  it('checks names, not patterns: an allowed_origins "*" names no host', () => {
    const check = hostChecker({ allowedHosts: [], host: '127.0.0.1', programs: [{ allowed_origins: ['*'] }] as never })
    expect(check('evil.test')).toBe(false)
    expect(check('localhost:4700')).toBe(true)
    expect(check(undefined)).toBe(true)
  })
})

describe('the inspection routes', () => {
  const from = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage
  const url = (query = '') => new URL('http://host.test/__affitor/events' + query)
  const TOKEN = 'a-long-inspection-token'

  it('answer this machine only', () => {
    for (const address of ['127.0.0.1', '127.8.9.1', '::1', '::ffff:127.0.0.1']) expect(inspectionAllowed(from(address), url(), undefined), address).toBe(true)
    for (const address of ['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', 'fe80::1']) expect(inspectionAllowed(from(address), url(), undefined), address).toBe(false)
  })

  it('answer other machines that carry inspectionToken, and none with a wrong or missing one', () => {
    expect(inspectionAllowed(from('10.0.0.5', { authorization: `Bearer ${TOKEN}` }), url(), TOKEN)).toBe(true)
    expect(inspectionAllowed(from('10.0.0.5'), url(`?token=${TOKEN}`), TOKEN)).toBe(true)
    expect(inspectionAllowed(from('10.0.0.5', { authorization: 'Bearer wrong-token-of-the-same' }), url(), TOKEN)).toBe(false)
    expect(inspectionAllowed(from('10.0.0.5'), url('?token=short'), TOKEN)).toBe(false)
    expect(inspectionAllowed(from('10.0.0.5'), url(), TOKEN)).toBe(false)
    expect(inspectionAllowed(from('10.0.0.5'), url(`?token=${TOKEN}`), undefined)).toBe(false)
  })

  it('refuse a token too short to guard anything', async () => {
    await expect(startTestServer({ inspectionToken: 'short' })).rejects.toThrow(/inspectionToken/)
  })
})
