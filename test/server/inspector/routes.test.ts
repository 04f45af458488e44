// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import { closeServers, startTestServer, testClock } from '../helpers/server'

afterEach(closeServers)

describe('GET /__affitor/', () => {
  it('serves the live page, self-contained under a strict Content-Security-Policy', async () => {
    const server = await startTestServer()
    const page = await server.get('/__affitor/')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const policy = page.headers.get('content-security-policy')!
    const nonce = /'nonce-([^']+)'/.exec(policy)![1]
    expect(policy).toContain("default-src 'none'")
    expect(policy).toContain("connect-src 'self'")
    expect(page.text).toContain(`<script nonce="${nonce}">`)
    expect(page.text).not.toMatch(/<(script|link|img)[^>]+(src|href)=/)
    expect(page.text).not.toMatch(/https?:\/\//)
    // A fresh nonce each time.
    expect((await server.get('/__affitor/')).headers.get('content-security-policy')).not.toBe(policy)
  })

  it('redirects /__affitor to /__affitor/, where the page\'s relative requests resolve', async () => {
    const server = await startTestServer()
    const answer = await server.get('/__affitor')
    expect(answer.status).toBe(301)
    expect(answer.headers.get('location')).toBe('/__affitor/')
    // The filter asked for survives the redirect.
    expect((await server.get('/__affitor?partner=DEMO&customer=user_1')).headers.get('location')).toBe('/__affitor/?partner=DEMO&customer=user_1')
  })
})

describe('GET /__affitor/events', () => {
  it('filters by type and refuses an unknown one', async () => {
    const server = await startTestServer()
    await server.click('P1')
    await server.lead({ customer_key: 'u' })
    expect((await server.get('/__affitor/events')).body.events.map((event: any) => event.type)).toEqual(['click', 'lead'])
    expect((await server.get('/__affitor/events?type=lead')).body.events.map((event: any) => event.type)).toEqual(['lead'])
    expect(await server.get('/__affitor/events?type=visit')).toMatchObject({ status: 400, body: { error: 'type must be one of click, lead, sale, refund' } })
  })
})

describe('POST /__affitor/reset', () => {
  it('forgets everything recorded and puts the clock back', async () => {
    const server = await startTestServer({ testClock: true })
    const { click_id } = (await server.click('P1')).body
    await server.post('/__affitor/clock', { advance_days: 3 })
    expect(await server.post('/__affitor/reset')).toMatchObject({ status: 200, body: { success: true } })
    expect(await server.events()).toEqual([])
    expect((await server.get('/__affitor/clock')).body.offset_ms).toBe(0)
    expect(await server.lead({ click_id })).toMatchObject({ status: 400 })
  })

  it('refuses requests that pages of other sites make', async () => {
    const server = await startTestServer()
    await server.click('P1')
    expect(await server.post('/__affitor/reset', undefined, { origin: 'https://evil.test' })).toMatchObject({
      status: 403,
      body: { error: 'Requests from other sites cannot change the reference server' },
    })
    expect((await server.post('/__affitor/reset', undefined, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect(await server.events()).toHaveLength(1)
    expect((await server.post('/__affitor/reset', undefined, { origin: server.url })).status).toBe(200)
  })
})

describe('/__affitor/clock', () => {
  it('moves the server clock by days or milliseconds, or sets it', async () => {
    const clock = testClock()
    const server = await startTestServer({ now: clock.now, testClock: true })
    expect((await server.get('/__affitor/clock')).body).toEqual({ now: '2030-01-01T00:00:00.000Z', offset_ms: 0 })
    expect((await server.post('/__affitor/clock', { advance_days: 1.5 })).body).toEqual({ now: '2030-01-02T12:00:00.000Z', offset_ms: 129_600_000 })
    expect((await server.post('/__affitor/clock', { advance_ms: -43_200_000 })).body.now).toBe('2030-01-02T00:00:00.000Z')
    expect((await server.post('/__affitor/clock', { set: '2031-06-01T00:00:00Z' })).body.now).toBe('2031-06-01T00:00:00.000Z')
    clock.advance(1_000)
    expect((await server.get('/__affitor/clock')).body.now).toBe('2031-06-01T00:00:01.000Z')
    await server.click('P1')
    expect((await server.events('click'))[0].created_at).toBe('2031-06-01T00:00:01.000Z')
  })

  it('refuses anything but exactly one valid instruction', async () => {
    const server = await startTestServer({ testClock: true })
    const usage = 'Send exactly one of {"advance_days": n}, {"advance_ms": n} or {"set": "<ISO 8601 date>"}'
    for (const body of [{}, { advance_days: 1, advance_ms: 1 }, { days: 1 }]) expect(await server.post('/__affitor/clock', body)).toMatchObject({ status: 400, body: { error: usage } })
    expect((await server.post('/__affitor/clock', { advance_days: '1' })).body).toEqual({ error: 'advance_days must be a number' })
    expect((await server.post('/__affitor/clock', { set: 'tomorrow' })).body).toEqual({ error: 'set must be an ISO 8601 date such as "2030-01-01T00:00:00Z"' })
    expect((await server.post('/__affitor/clock', 'nope')).body).toEqual({ error: 'Invalid JSON body' })
    expect((await server.get('/__affitor/clock')).body.offset_ms).toBe(0)
  })

  it('refuses a time no date can hold, and leaves the clock where it was', async () => {
    const server = await startTestServer({ testClock: true })
    const range = { error: 'The clock must stay between the years 1970 and 9999' }
    for (const body of [{ advance_days: 1e12 }, { advance_ms: -1e16 }, { set: '+275760-09-13T00:00:00Z' }, { set: '1969-12-31T00:00:00Z' }]) {
      expect(await server.post('/__affitor/clock', body)).toMatchObject({ status: 400, body: range })
    }
    expect((await server.get('/__affitor/clock')).body.offset_ms).toBe(0)
    expect((await server.click('P1')).status).toBe(200)
  })

  it('does not exist without the testClock option', async () => {
    const server = await startTestServer()
    expect(await server.post('/__affitor/clock', { advance_days: 1 })).toMatchObject({ status: 404, body: { error: 'Not found: POST /__affitor/clock' } })
  })
})
