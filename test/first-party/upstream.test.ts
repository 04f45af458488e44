// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { normalizeFirstPartyOptions } from '../../src/first-party/options'
import { forwardedFor, forwardEvent, upstreamHeaders } from '../../src/first-party/upstream'
import { fakeUpstream } from './helpers/fake-upstream'

describe('forwardedFor', () => {
  it('keeps X-Forwarded-For and appends X-Real-IP unless it is the last entry', () => {
    expect(forwardedFor(new Headers())).toBeUndefined()
    expect(forwardedFor(new Headers({ 'x-real-ip': '198.51.100.2' }))).toBe('198.51.100.2')
    expect(forwardedFor(new Headers({ 'x-forwarded-for': '203.0.113.7 ,10.0.0.1' }))).toBe('203.0.113.7, 10.0.0.1')
    expect(forwardedFor(new Headers({ 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '198.51.100.2' }))).toBe('203.0.113.7, 198.51.100.2')
    expect(forwardedFor(new Headers({ 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.7' }))).toBe('203.0.113.7')
  })
})

describe('upstreamHeaders', () => {
  it('passes only JSON, the visitor’s headers and address', () => {
    const headers = new Headers({
      'user-agent': 'UA',
      referer: 'https://www.shop.example/',
      cookie: 'a=b',
      authorization: 'Bearer x',
      'x-api-key': 'k',
      'x-real-ip': '198.51.100.2',
      'content-type': 'text/plain',
      host: 'www.shop.example',
    })
    expect(upstreamHeaders(headers)).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'UA',
      referer: 'https://www.shop.example/',
      'x-forwarded-for': '198.51.100.2',
    })
  })
})

describe('forwardEvent', () => {
  it('posts the body to the event’s path and answers status, text and data', async () => {
    const upstream = fakeUpstream(() => ({ status: 400, text: '{"error":"Referral link not found"}' }))
    const answer = await forwardEvent(normalizeFirstPartyOptions({ apiBase: 'https://api.test/', fetch: upstream.fetch }), 'click', '{"a":1}', { 'content-type': 'application/json' })
    expect(answer).toEqual({ status: 400, text: '{"error":"Referral link not found"}', data: { error: 'Referral link not found' } })
    expect(upstream.calls).toMatchObject([{ url: 'https://api.test/api/v1/track/click', method: 'POST', body: '{"a":1}' }])
  })

  it('answers a failure, never rejects', async () => {
    const options = (fetch: unknown, timeout?: number) => normalizeFirstPartyOptions({ fetch: fetch as never, timeout })
    expect(await forwardEvent(options(() => Promise.reject(new TypeError('fetch failed'))), 'lead', '{}', {})).toEqual({ error: 'Tracking API unreachable: fetch failed' })
    expect(await forwardEvent(options(() => Promise.reject('odd')), 'lead', '{}', {})).toEqual({ error: 'Tracking API unreachable: odd' })
    expect(await forwardEvent(options(async () => new Response('')), 'lead', '{}', {})).toEqual({ error: 'Tracking API answered 200 without JSON' })
    expect(await forwardEvent(options(fakeUpstream(() => 'hang').fetch, 15), 'lead', '{}', {})).toEqual({ error: 'Tracking API did not answer within 15 ms' })
  })
})
