// @vitest-environment node
import express from 'express'
import { createServer, request as httpRequest, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createFirstPartyHandler, type FirstPartyHandler } from '../../src/first-party/handler'
import { toNodeHandler } from '../../src/first-party/node'
import { startReferenceServer, type ReferenceServer } from '../../src/server'
import { fakeUpstream, parseSetCookie } from './helpers/fake-upstream'

let reference: ReferenceServer
beforeAll(async () => {
  reference = await startReferenceServer({ port: 0, log: false })
})
afterAll(() => reference.close())

const open: Server[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve)))))
})

/** Serves `listener` on a free port of 127.0.0.1 and answers its base URL. */
async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener)
  open.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const CLICK = '/_affitor/api/v1/track/click'
const clickBody = (code = 'P1') => JSON.stringify({ affiliate_url: `http://localhost:3000/?aff=${code}` })
const post = (url: string, body: string, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })

/** A POST through `node:http`, which sends the headers as given, `Host` included (fetch sets its own). */
function rawPost(url: string, headers: Record<string, string>, body: string | string[]): Promise<{ status: number; setCookie: string[]; body: string }> {
  const { hostname, port, pathname } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: pathname, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, setCookie: res.headers['set-cookie'] ?? [], body: text }))
    })
    req.on('error', reject)
    for (const chunk of [body].flat()) req.write(chunk)
    req.end()
  })
}

describe('toNodeHandler on a Node http server', () => {
  it('forwards a click and writes both Set-Cookie headers intact', async () => {
    const site = await serve(toNodeHandler(createFirstPartyHandler({ apiBase: reference.url })))
    const response = await post(site + CLICK, clickBody(), { 'x-affitor-cookie-domain': '127.0.0.1' })
    expect(response.status).toBe(200)
    const answer = await response.json()
    expect(answer).toMatchObject({ success: true, partner_code: 'P1' })
    const cookies = response.headers.getSetCookie().map(parseSetCookie)
    expect(cookies).toEqual([
      { name: 'affitor_click_id', value: answer.click_id, attributes: { path: '/', 'max-age': '5184000', samesite: 'Lax' } },
      { name: 'affitor_partner_code', value: 'P1', attributes: { path: '/', 'max-age': '5184000', samesite: 'Lax' } },
    ])
  })

  it('builds an https URL behind a proxy that says so: Secure cookies', async () => {
    const site = await serve(toNodeHandler(createFirstPartyHandler({ apiBase: reference.url })))
    const response = await post(site + CLICK, clickBody('P2'), { 'x-forwarded-proto': 'https' })
    expect(response.headers.getSetCookie()).toHaveLength(2)
    for (const cookie of response.headers.getSetCookie()) expect(parseSetCookie(cookie).attributes.secure).toBe(true)
  })

  it('passes the host and the visitor’s address on, and takes the cookie domain hint for that host', async () => {
    const upstream = fakeUpstream()
    const site = await serve(toNodeHandler(createFirstPartyHandler({ fetch: upstream.fetch })))
    const response = await rawPost(site + CLICK, { host: 'www.shop.example', 'x-affitor-cookie-domain': 'shop.example', cookie: 'session=secret' }, clickBody())
    expect(response.status).toBe(200)
    expect(upstream.calls[0].headers.get('x-forwarded-for')).toMatch(/^(::ffff:)?127\.0\.0\.1$/)
    expect(upstream.calls[0].headers.get('cookie')).toBeNull()
    expect(upstream.calls[0].body).toBe(clickBody())
    expect(response.setCookie).toHaveLength(2)
    for (const cookie of response.setCookie) expect(parseSetCookie(cookie).attributes.domain).toBe('shop.example')

    // What the client claims stays first; the peer's address, which it cannot forge, goes last.
    await post(site + CLICK, clickBody(), { 'x-forwarded-for': '203.0.113.7' })
    expect(upstream.calls[1].headers.get('x-forwarded-for')).toMatch(/^203\.0\.113\.7, (::ffff:)?127\.0\.0\.1$/)
  })

  it('calls next() outside the mount, and answers 404 there without it', async () => {
    const handler = toNodeHandler(createFirstPartyHandler({ apiBase: reference.url }))
    const nexts: unknown[][] = []
    const withNext = await serve((req, res) =>
      handler(req, res, (...args) => {
        nexts.push(args)
        res.end('next')
      }),
    )
    expect(await (await fetch(withNext + '/pricing?aff=P1')).text()).toBe('next')
    expect(await (await post(withNext + '/_affitorx/api/v1/track/click', clickBody())).text()).toBe('next')
    expect(nexts).toEqual([[], []])
    // Under the mount the handler answers, with next or not.
    const unknown = await fetch(withNext + '/_affitor/api/v1/track/sale', { method: 'POST', body: '{}' })
    expect(unknown.status).toBe(404)
    expect(nexts).toHaveLength(2)

    const alone = await serve(handler)
    const outside = await fetch(alone + '/pricing')
    expect(outside.status).toBe(404)
    expect((await outside.json()).error).toMatch(/^Not found/)
  })

  it('answers 405 and 400 like the Fetch handler', async () => {
    const site = await serve(toNodeHandler(createFirstPartyHandler({ apiBase: reference.url })))
    const get = await fetch(site + CLICK)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    const bad = await post(site + CLICK, '{oops')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: 'Invalid JSON body' })
  })

  it('answers 413 to a large chunked body, which the client reads rather than a reset connection', async () => {
    const upstream = fakeUpstream()
    const site = await serve(toNodeHandler(createFirstPartyHandler({ fetch: upstream.fetch })))
    // Written in chunks, node:http sends no Content-Length: the size is only known by reading.
    const answer = await rawPost(site + CLICK, {}, ['{"pad":"', ...Array.from({ length: 20 }, () => 'x'.repeat(10_000)), '"}'])
    expect(answer).toEqual({ status: 413, setCookie: [], body: '{"error":"Request body too large: the limit is 65536 bytes"}' })
    expect(upstream.calls).toEqual([])
  })

  it('uses a body a parser already read (req.body)', async () => {
    const upstream = fakeUpstream()
    const handler = toNodeHandler(createFirstPartyHandler({ fetch: upstream.fetch }))
    const site = await serve(async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
      let text = ''
      for await (const chunk of req) text += chunk
      req.body = JSON.parse(text)
      handler(req, res)
    })
    const body = { affiliate_url: 'https://www.shop.example/?aff=P1', page_title: 'Café' }
    const response = await post(site + CLICK, JSON.stringify(body, null, 2))
    expect(response.status).toBe(200)
    expect(JSON.parse(upstream.calls[0].body)).toEqual(body)
    expect(response.headers.getSetCookie()).toHaveLength(2)
  })

  it('answers 500 for a handler that fails, or hands the error to next()', async () => {
    const failing = Object.assign(async () => Promise.reject(new Error('broken')), { mount: '/_affitor' }) as FirstPartyHandler
    const alone = await serve(toNodeHandler(failing))
    const response = await post(alone + CLICK, clickBody())
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ error: 'Internal error' })

    const errors: unknown[] = []
    const handler = toNodeHandler(failing)
    const withNext = await serve((req, res) =>
      handler(req, res, (error) => {
        errors.push(error)
        res.end()
      }),
    )
    await post(withNext + CLICK, clickBody())
    expect(errors).toEqual([new Error('broken')])
  })

  it('answers 400 to a malformed Host header', async () => {
    const site = await serve(toNodeHandler(createFirstPartyHandler({ apiBase: reference.url })))
    const { status } = await rawPost(site + CLICK, { host: 'a@b/c' }, '{}')
    expect(status).toBe(400)
  })

  it('throws a TypeError for something other than a first-party handler', () => {
    expect(() => toNodeHandler((async () => new Response()) as never)).toThrow(TypeError)
  })
})

describe('toNodeHandler in an Express app', () => {
  it('works after express.json(), passes other routes on, and works mounted under a path', async () => {
    const app = express()
    app.use(express.json())
    app.use(toNodeHandler(createFirstPartyHandler({ apiBase: reference.url })))
    app.get('/hello', (_req, res) => void res.send('hello'))
    const site = await serve(app)

    const response = await post(site + CLICK, clickBody('P2'))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ success: true, partner_code: 'P2' })
    expect(response.headers.getSetCookie().map((cookie) => parseSetCookie(cookie).name)).toEqual(['affitor_click_id', 'affitor_partner_code'])
    expect(await (await fetch(site + '/hello')).text()).toBe('hello')

    const mounted = express()
    mounted.use('/_affitor', toNodeHandler(createFirstPartyHandler({ apiBase: reference.url })))
    const other = await serve(mounted)
    const lead = await post(other + '/_affitor/api/v1/track/lead', JSON.stringify({ customer_key: 'fp_express_1', program_id: 1 }))
    expect(lead.status).toBe(200)
    expect(await lead.json()).toMatchObject({ success: true })
  })
})
