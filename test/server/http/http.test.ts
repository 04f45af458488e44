// @vitest-environment node
import type { IncomingMessage } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { textDepth } from '../../../src/json-object'
import { bearerToken } from '../../../src/server/http/http'
import { AUTH, closeServers, startTestServer } from '../helpers/server'

afterEach(closeServers)

describe('request bodies', () => {
  it('answers malformed JSON 400 Invalid JSON body, on every JSON route', async () => {
    const server = await startTestServer()
    for (const path of ['/api/v1/track/click', '/api/v1/track/lead', '/api/v1/track/sale', '/api/v1/track/refund']) {
      for (const body of ['{"affiliate_url": ', '', 'undefined']) {
        expect(await server.post(path, body, AUTH), `${path} ${body}`).toMatchObject({ status: 400, body: { error: 'Invalid JSON body' } })
      }
    }
  })

  it('answers a JSON value that is not an object 400', async () => {
    const server = await startTestServer()
    for (const body of ['[]', 'null', '"text"', '42']) {
      expect(await server.post('/api/v1/track/click', body)).toMatchObject({ status: 400, body: { error: 'Request body must be a JSON object' } })
    }
  })

  it('refuses a body nested deeper than 32 levels, and keeps working afterwards', async () => {
    const server = await startTestServer()
    const deep = '['.repeat(8000) + ']'.repeat(8000)
    const click = `{"affiliate_url":"https://shop.example/?aff=P1","additional_data":{"x":${deep}}}`
    expect(await server.post('/api/v1/track/click', click)).toMatchObject({ status: 400, body: { error: 'Request body is nested too deeply (at most 32 levels)' } })
    const sale = `{"transaction_id":"t1","amount_cents":100,"line_items":${deep}}`
    expect((await server.post('/api/v1/track/sale', sale, AUTH)).status).toBe(400)
    expect(await server.events()).toEqual([])
    expect((await server.click('P1')).status).toBe(200)
    expect(await server.events('click')).toHaveLength(1)
    expect(textDepth(JSON.stringify({ a: [{ b: 1 }] }))).toBe(3)
    expect(textDepth('"flat"')).toBe(0)
    // Brackets inside strings, escaped quotes included, are text.
    expect(textDepth(JSON.stringify({ a: '[[[{{{', b: 'say \\"[[" ok', c: [1] }))).toBe(2)
    expect((await server.post('/api/v1/track/click', JSON.stringify({ affiliate_url: 'https://shop.example/?aff=P1', page_title: '['.repeat(100) + '"\\' }))).status).toBe(200)
  })

  it('accepts JSON sent as text/plain, as sendBeacon sends it', async () => {
    const server = await startTestServer()
    const answer = await server.post('/api/v1/track/click', JSON.stringify({ affiliate_url: 'https://shop.example/?aff=P1' }), { 'content-type': 'text/plain;charset=UTF-8' })
    expect(answer).toMatchObject({ status: 200, body: { success: true } })
  })

  it('answers a body over maxBodyBytes 413 with the limit, recording nothing', async () => {
    const server = await startTestServer()
    const big = JSON.stringify({ affiliate_url: 'https://shop.example/?aff=P1', page_title: 'x'.repeat(70_000) })
    expect(await server.post('/api/v1/track/click', big)).toMatchObject({ status: 413, body: { error: 'Request body too large: the limit is 65536 bytes' } })
    expect(await server.events()).toEqual([])
    // The server still answers afterwards.
    expect((await server.click('P1')).status).toBe(200)
  })

  it('applies a configured limit, to the webhook too', async () => {
    const server = await startTestServer({ maxBodyBytes: 100 })
    expect((await server.click('P1')).status).toBe(200)
    const body = JSON.stringify({ affiliate_url: 'https://shop.example/?aff=P1', page_title: 'x'.repeat(100) })
    expect(await server.post('/api/v1/track/click', body)).toMatchObject({ status: 413, body: { error: 'Request body too large: the limit is 100 bytes' } })
    expect((await server.post('/api/v1/webhooks/stripe', 'x'.repeat(101))).status).toBe(413)
  })

  it('answers 413 when a body far over the limit is cut off', async () => {
    const server = await startTestServer({ maxBodyBytes: 10 })
    const answer = await server.post('/api/v1/track/click', 'x'.repeat(100_000)).catch((error) => error)
    // The connection may be cut before the client reads the answer; the server stays up either way.
    if (!(answer instanceof Error)) expect(answer.status).toBe(413)
    expect((await server.post('/api/v1/track/click', '{}')).status).toBe(400)
  })
})

describe('bearerToken', () => {
  const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage

  it('reads a Bearer key, answering "" when the header is malformed and undefined without it', () => {
    expect(bearerToken(req('Bearer sk_1'))).toBe('sk_1')
    expect(bearerToken(req('bearer   sk_1 '))).toBe('sk_1')
    expect(bearerToken(req('Basic abc'))).toBe('')
    expect(bearerToken(req('Bearer a b'))).toBe('')
    expect(bearerToken(req())).toBeUndefined()
  })
})
