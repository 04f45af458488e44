// @vitest-environment node
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createReferenceHandler } from '../../src/server/handler'
import { closeServers, startTestServer } from './helpers/server'

afterEach(closeServers)

describe('routing', () => {
  it('answers an unknown route 404 naming the method and path', async () => {
    const server = await startTestServer()
    expect(await server.get('/api/v1/track/nope?x=1')).toMatchObject({ status: 404, body: { error: 'Not found: GET /api/v1/track/nope' } })
    expect(await server.post('/')).toMatchObject({ status: 404, body: { error: 'Not found: POST /' } })
    expect(await server.get('//evil.test/path')).toMatchObject({ status: 404, body: { error: 'Not found: GET //evil.test/path' } })
  })

  it('answers /favicon.ico with its icon, not a 404, and only for GET and HEAD', async () => {
    const server = await startTestServer()
    const icon = await server.get('/favicon.ico')
    expect(icon.status).toBe(200)
    expect(icon.headers.get('content-type')).toBe('image/svg+xml')
    expect(icon.text).toMatch(/^<svg /)
    expect((await server.post('/favicon.ico')).status).toBe(404)
  })

  it('answers a wrong method 405 with the allowed ones', async () => {
    const server = await startTestServer()
    const answer = await server.get('/api/v1/track/click')
    expect(answer).toMatchObject({ status: 405, body: { error: 'Method GET not allowed on /api/v1/track/click: use POST, OPTIONS' } })
    expect(answer.headers.get('allow')).toBe('POST, OPTIONS')
    expect((await server.request('DELETE', '/__affitor/events')).headers.get('allow')).toBe('GET, HEAD')
    expect((await server.get('/api/v1/track/sale')).headers.get('allow')).toBe('POST')
  })

  it('answers HEAD like GET without a body', async () => {
    const server = await startTestServer()
    const answer = await server.request('HEAD', '/__affitor/events')
    expect(answer.status).toBe(200)
    expect(answer.text).toBe('')
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8')
  })

  it('sends JSON answers uncached', async () => {
    const server = await startTestServer()
    const answer = await server.click('P1')
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(answer.headers.get('cache-control')).toBe('no-store')
  })

  it('answers an unexpected error 500 without details, and reports it', async () => {
    const lines: string[] = []
    let broken = false
    const server = await startTestServer({
      now: () => {
        if (broken) throw new Error('clock broke')
        return Date.now()
      },
      log: (line) => lines.push(line),
    })
    broken = true
    expect(await server.click('P1')).toMatchObject({ status: 500, body: { error: 'Internal server error' } })
    expect(lines.some((line) => line.includes('clock broke'))).toBe(true)
    broken = false
    expect(await server.events()).toEqual([])
  })

  it('reports unexpected errors on the console when logging is off', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const server = await startTestServer({
      now: () => {
        throw new Error('clock broke')
      },
    })
    expect((await server.click('P1')).status).toBe(500)
    expect(error).toHaveBeenCalledWith(expect.stringContaining('clock broke'))
  })

  it('logs one line per request', async () => {
    const lines: string[] = []
    const server = await startTestServer({ log: (line) => lines.push(line) })
    await server.click('P1')
    await server.get('/nope')
    await vi.waitFor(() => expect(lines).toEqual([expect.stringMatching(/^POST \/api\/v1\/track\/click 200 \d+ms$/), expect.stringMatching(/^GET \/nope 404 \d+ms$/)]))
  })
})

describe('createReferenceHandler', () => {
  it('mounts behind routes of the caller\'s own, sharing its store', async () => {
    const reference = createReferenceHandler()
    const server = createServer((req, res) => {
      if (req.url == '/health') res.end('ok')
      else reference.handler(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      expect(await (await fetch(base + '/health')).text()).toBe('ok')
      const click = await fetch(base + '/api/v1/track/click', { method: 'POST', body: JSON.stringify({ affiliate_url: 'https://x.example/?aff=P1' }) })
      expect(click.status).toBe(200)
      expect(reference.store.state.clicks).toHaveLength(1)
      expect(reference.store.programs[0].api_key).toBe('sk_demo_affitor')
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('exposes the clock', () => {
    const reference = createReferenceHandler({ now: () => 1_000 })
    reference.clock.advance(500)
    expect(reference.clock.now()).toBe(1_500)
  })

  it('throws for invalid options at creation', () => {
    expect(() => createReferenceHandler({ port: -1 })).toThrow(TypeError)
    expect(() => createReferenceHandler({ seed: '/nonexistent/seed.json' })).toThrow('Cannot read the seed file /nonexistent/seed.json')
  })
})

describe('request targets', () => {
  it('answers a target that is not a URL 400', async () => {
    const server = await startTestServer()
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, method: 'OPTIONS', path: '*' }, (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk)).on('end', () => resolve({ status: res.statusCode!, body }))
      })
      req.on('error', reject).end()
    })
    expect(answer).toEqual({ status: 400, body: JSON.stringify({ error: 'Invalid request target: *' }) })
  })

  it('reads an absolute-form target as its path', async () => {
    const server = await startTestServer()
    const answer = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: 'http://elsewhere.test/__affitor/events' }, (res) => {
        res.resume()
        resolve(res.statusCode!)
      })
        .on('error', reject)
        .end()
    })
    expect(answer).toBe(200)
  })
})
