// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFirstPartyHandler } from '../../src/first-party/handler'
import { startReferenceServer, type ReferenceServer } from '../../src/server'
import { cookiesOf, eventRequest, fakeUpstream } from './helpers/fake-upstream'

let server: ReferenceServer
beforeAll(async () => {
  server = await startReferenceServer({ port: 0, log: false })
})
afterAll(() => server.close())

const CLICK = '/_affitor/api/v1/track/click'
const LEAD = '/_affitor/api/v1/track/lead'
const SIXTY_DAYS = String(60 * 86_400)

async function events(type: string): Promise<any[]> {
  return (await (await fetch(`${server.url}/__affitor/events?type=${type}`)).json()).events
}

describe('against the reference server', () => {
  it('forwards a click, which is recorded as sent, and answers it with the click cookies', async () => {
    const handler = createFirstPartyHandler({ apiBase: server.url + '/' })
    const body = { affiliate_url: 'http://localhost:3000/pricing?aff=P1', page_url: 'http://localhost:3000/pricing?aff=P1', session_id: 'fp_s1' }
    const response = await handler(eventRequest(CLICK, body))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const answer = await response.json()
    expect(answer).toMatchObject({ success: true, click_id: expect.stringMatching(/^clk_/), partner_code: 'P1', cookie_window_days: 60 })
    expect((await events('click')).find((click) => click.click_id == answer.click_id)).toMatchObject({ partner_code: 'P1', request: body })

    expect(response.headers.getSetCookie()).toHaveLength(2)
    const cookies = cookiesOf(response)
    // On the site's registrable domain, where the browser tracker writes its own copy: one cookie, not two.
    const attributes = { path: '/', 'max-age': SIXTY_DAYS, domain: 'shop.example', samesite: 'Lax', secure: true }
    expect(cookies.affitor_click_id).toEqual({ name: 'affitor_click_id', value: answer.click_id, attributes })
    expect(cookies.affitor_partner_code).toEqual({ name: 'affitor_partner_code', value: 'P1', attributes })
  })

  it('takes Max-Age from the answer’s cookie_window_days', async () => {
    const seed = {
      programs: [{ id: 7, api_key: 'sk_fp', allowed_origins: ['*'], window_days: 30, commission: { type: 'percent' as const, value: 10 }, partners: [{ code: 'SHORT' }] }],
    }
    const short = await startReferenceServer({ port: 0, log: false, seed })
    try {
      const response = await createFirstPartyHandler({ apiBase: short.url })(eventRequest(CLICK, { affiliate_url: 'https://shop.example/?aff=SHORT' }))
      expect((await response.json()).cookie_window_days).toBe(30)
      expect(cookiesOf(response).affitor_click_id.attributes['max-age']).toBe(String(30 * 86_400))
      expect(cookiesOf(response).affitor_partner_code.attributes['max-age']).toBe(String(30 * 86_400))
    } finally {
      await short.close()
    }
  })

  it('forwards a lead, tied to the click, and sets no cookie', async () => {
    const handler = createFirstPartyHandler({ apiBase: server.url })
    const click = await (await handler(eventRequest(CLICK, { affiliate_url: 'http://localhost:3000/?aff=P2' }))).json()
    const response = await handler(eventRequest(LEAD, { customer_key: 'fp_user_1', email: 'fp@shop.example', click_id: click.click_id, program_id: 1 }))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ success: true })
    expect(response.headers.getSetCookie()).toEqual([])
    const lead = (await events('lead')).find((recorded) => recorded.click_id == click.click_id)
    expect(lead).toMatchObject({ partner_code: 'P2' })
  })

  it('passes an unknown partner’s 400 through and sets no cookie', async () => {
    const response = await createFirstPartyHandler({ apiBase: server.url })(eventRequest(CLICK, { affiliate_url: 'http://localhost:3000/?aff=NOBODY' }))
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'Referral link not found' })
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('sets no cookie for an inactive link (answered 200 with success false)', async () => {
    const response = await createFirstPartyHandler({ apiBase: server.url })(eventRequest(CLICK, { affiliate_url: 'http://localhost:3000/?aff=INACTIVE' }))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ success: false })
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('forwards the browser’s Origin: one the program does not allow is refused upstream', async () => {
    const handler = createFirstPartyHandler({ apiBase: server.url })
    const refused = await handler(eventRequest(CLICK, { affiliate_url: 'http://localhost:3000/?aff=P1' }, { headers: { origin: 'https://elsewhere.example' } }))
    expect(refused.status).toBe(403)
    expect((await refused.json()).error).toMatch(/elsewhere\.example is not allowed/)
    const allowed = await handler(eventRequest(CLICK, { affiliate_url: 'http://localhost:3000/?aff=P1' }, { headers: { origin: 'http://localhost:3000' } }))
    expect(allowed.status).toBe(200)
  })

  it('answers 502 when the tracking API cannot be reached', async () => {
    const gone = await startReferenceServer({ port: 0, log: false })
    await gone.close()
    const response = await createFirstPartyHandler({ apiBase: gone.url })(eventRequest(CLICK, { affiliate_url: 'http://localhost:3000/?aff=P1' }))
    expect(response.status).toBe(502)
    expect((await response.json()).error).toMatch(/^Tracking API unreachable/)
    expect(response.headers.getSetCookie()).toEqual([])
  })
})

describe('cookie attributes', () => {
  const click = (headers: Record<string, string> = {}, site?: string, options = {}) => {
    const upstream = fakeUpstream()
    return createFirstPartyHandler({ apiBase: 'https://api.test', fetch: upstream.fetch, ...options })(eventRequest(CLICK, { affiliate_url: 'https://www.shop.example/?aff=P1' }, { headers, site }))
  }

  it('marks cookies Secure only on https or behind a proxy that says so', async () => {
    expect(cookiesOf(await click({}, 'https://www.shop.example')).affitor_click_id.attributes.secure).toBe(true)
    expect(cookiesOf(await click({}, 'http://www.shop.example')).affitor_click_id.attributes.secure).toBeUndefined()
    expect(cookiesOf(await click({ 'x-forwarded-proto': 'https' }, 'http://www.shop.example')).affitor_click_id.attributes.secure).toBe(true)
    expect(cookiesOf(await click({ 'x-forwarded-proto': 'http' }, 'http://www.shop.example')).affitor_partner_code.attributes.secure).toBeUndefined()
  })

  it('is never HttpOnly: the browser tracker reads the cookies', async () => {
    for (const header of (await click()).headers.getSetCookie()) expect(header).not.toMatch(/httponly/i)
  })

  it('uses the cookieDomain option over any hint', async () => {
    const cookies = cookiesOf(await click({ 'x-affitor-cookie-domain': 'www.shop.example' }, undefined, { cookieDomain: '.Shop.example' }))
    expect(cookies.affitor_click_id.attributes.domain).toBe('shop.example')
    expect(cookies.affitor_partner_code.attributes.domain).toBe('shop.example')
  })

  it('takes the browser’s hint when the host is that domain or under it', async () => {
    expect(cookiesOf(await click({ 'x-affitor-cookie-domain': 'shop.example' })).affitor_click_id.attributes.domain).toBe('shop.example')
    expect(cookiesOf(await click({ 'x-affitor-cookie-domain': 'www.shop.example' })).affitor_partner_code.attributes.domain).toBe('www.shop.example')
  })

  it.each([
    ['another site', 'other.example', 'https://www.shop.example', 'shop.example'],
    ['a suffix of a label, not a parent', 'op.example', 'https://www.shop.example', 'shop.example'],
    ['a single label (a public suffix)', 'example', 'https://www.shop.example', 'shop.example'],
    ['a value carrying attributes', 'shop.example; Domain=other.example', 'https://www.shop.example', 'shop.example'],
    ['an IP address', '127.0.0.1', 'http://127.0.0.1:3000', undefined],
    ['part of an IP address', '0.0.1', 'http://127.0.0.1:3000', undefined],
  ])('refuses a hint naming %s: the registrable domain, or host-only on an address', async (_case, hint, site, domain) => {
    const response = await click({ 'x-affitor-cookie-domain': hint }, site)
    expect(response.headers.getSetCookie()).toHaveLength(2)
    for (const header of response.headers.getSetCookie()) {
      if (domain) expect(header).toContain(`; Domain=${domain};`)
      else expect(header).not.toMatch(/domain/i)
    }
  })

  it('percent-encodes values and lives 60 days without a usable cookie_window_days', async () => {
    for (const days of [undefined, 0, -3, '30', null]) {
      const upstream = fakeUpstream(() => ({ status: 200, body: { success: true, click_id: 'clk a;b', cookie_window_days: days } }))
      const response = await createFirstPartyHandler({ fetch: upstream.fetch })(eventRequest(CLICK, { affiliate_url: 'https://www.shop.example/?aff=P1' }))
      expect(cookiesOf(response).affitor_click_id).toMatchObject({ value: 'clk%20a%3Bb', attributes: { 'max-age': SIXTY_DAYS } })
    }
  })

  it('takes the partner code from the `param` option, trimmed, and sets no partner cookie for an invalid one', async () => {
    const answered = (affiliateUrl: string, options = {}) => {
      const upstream = fakeUpstream()
      return createFirstPartyHandler({ fetch: upstream.fetch, ...options })(eventRequest(CLICK, { affiliate_url: affiliateUrl }))
    }
    expect(cookiesOf(await answered('https://www.shop.example/?aff=P1&ref=P2', { param: 'ref' })).affitor_partner_code.value).toBe('P2')
    expect(cookiesOf(await answered('https://www.shop.example/?aff=%20P1%20')).affitor_partner_code.value).toBe('P1')
    for (const url of ['https://www.shop.example/?aff=a%2Fb', `https://www.shop.example/?aff=${'x'.repeat(65)}`, 'https://www.shop.example/', 'not a url']) {
      const cookies = cookiesOf(await answered(url))
      expect(cookies.affitor_click_id.value).toBe('clk_fake')
      expect(cookies.affitor_partner_code).toBeUndefined()
    }
  })

  it('sets no cookie for an answer without a click id, or not 2xx', async () => {
    for (const reply of [
      { status: 200, body: { success: true } },
      { status: 200, body: { success: false, click_id: 'clk_x' } },
      { status: 500, body: { click_id: 'clk_x' } },
      { status: 200, body: ['clk_x'] },
    ]) {
      const upstream = fakeUpstream(() => reply)
      const response = await createFirstPartyHandler({ fetch: upstream.fetch })(eventRequest(CLICK, { affiliate_url: 'https://www.shop.example/?aff=P1' }))
      expect(response.status).toBe(reply.status)
      expect(response.headers.getSetCookie()).toEqual([])
    }
  })
})

describe('forwarding', () => {
  it('posts the same JSON to the API base with the visitor’s headers, never its cookies or credentials', async () => {
    const upstream = fakeUpstream()
    const text = '{ "affiliate_url": "https://www.shop.example/?aff=P1", "page_title": "Café" }'
    await createFirstPartyHandler({ apiBase: 'https://api.test//', fetch: upstream.fetch })(
      eventRequest(CLICK, text, {
        headers: {
          'user-agent': 'Browser/1.0',
          'accept-language': 'fr-FR',
          origin: 'https://www.shop.example',
          referer: 'https://www.shop.example/pricing',
          cookie: 'session=secret; affitor_click_id=clk_old',
          authorization: 'Bearer site-session',
          'x-affitor-cookie-domain': 'shop.example',
          'x-forwarded-for': '203.0.113.7',
        },
      }),
    )
    expect(upstream.calls).toHaveLength(1)
    const [call] = upstream.calls
    expect(call).toMatchObject({ url: 'https://api.test/api/v1/track/click', method: 'POST', body: text })
    expect(Object.fromEntries(call.headers)).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'Browser/1.0',
      'accept-language': 'fr-FR',
      origin: 'https://www.shop.example',
      referer: 'https://www.shop.example/pricing',
      'x-forwarded-for': '203.0.113.7',
    })
  })

  it('posts leads to the lead path', async () => {
    const upstream = fakeUpstream(() => ({ status: 200, body: { success: true, message: 'Lead tracked successfully' } }))
    const response = await createFirstPartyHandler({ apiBase: 'https://api.test', fetch: upstream.fetch })(eventRequest(LEAD, { customer_key: 'u1' }))
    expect(upstream.calls.map((call) => call.url)).toEqual(['https://api.test/api/v1/track/lead'])
    expect(await response.json()).toEqual({ success: true, message: 'Lead tracked successfully' })
  })

  it('passes the API’s status and JSON through', async () => {
    const upstream = fakeUpstream(() => ({ status: 429, text: '{"error":"Too many requests","retry_after":3}' }))
    const response = await createFirstPartyHandler({ fetch: upstream.fetch })(eventRequest(LEAD, { customer_key: 'u1' }))
    expect(response.status).toBe(429)
    expect(await response.text()).toBe('{"error":"Too many requests","retry_after":3}')
  })

  it.each([
    ['a network error', () => Promise.reject(new TypeError('fetch failed')), /^Tracking API unreachable: fetch failed$/],
    ['a fetch that throws at once', () => {
      throw new Error('boom')
    }, /^Tracking API unreachable: boom$/],
    ['an answer that is not JSON', async () => new Response('<html>Bad gateway</html>', { status: 503 }), /^Tracking API answered 503 without JSON$/],
  ])('answers 502 for %s', async (_case, fetch, message) => {
    const response = await createFirstPartyHandler({ fetch: fetch as never })(eventRequest(LEAD, { customer_key: 'u1' }))
    expect(response.status).toBe(502)
    expect((await response.json()).error).toMatch(message)
  })

  it('answers 502 when the API does not answer within the timeout', async () => {
    const upstream = fakeUpstream(() => 'hang')
    const response = await createFirstPartyHandler({ fetch: upstream.fetch, timeout: 20 })(eventRequest(LEAD, { customer_key: 'u1' }))
    expect(response.status).toBe(502)
    expect(await response.json()).toEqual({ error: 'Tracking API did not answer within 20 ms' })
  })
})

describe('requests it refuses', () => {
  const setup = (options = {}) => {
    const upstream = fakeUpstream()
    return { upstream, handler: createFirstPartyHandler({ fetch: upstream.fetch, ...options }) }
  }

  it.each([
    ['not JSON', '{"affiliate_url":', 'Invalid JSON body'],
    ['empty', '', 'Invalid JSON body'],
    ['an array', '[1,2]', 'Request body must be a JSON object'],
    ['a string', '"x"', 'Request body must be a JSON object'],
    ['null', 'null', 'Request body must be a JSON object'],
  ])('answers 400 to a body that is %s, forwarding nothing', async (_case, body, message) => {
    const { upstream, handler } = setup()
    const response = await handler(eventRequest(CLICK, body))
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: message })
    expect(upstream.calls).toEqual([])
  })

  it('answers 413 beyond 64 KiB, with or without Content-Length, and takes 64 KiB exactly', async () => {
    const { upstream, handler } = setup()
    const sized = (bytes: number) => JSON.stringify({ customer_key: 'u1', pad: 'x'.repeat(bytes - 30) })
    expect(sized(65_536)).toHaveLength(65_536)
    expect((await handler(eventRequest(LEAD, sized(65_536)))).status).toBe(200)
    expect(upstream.calls[0].body).toBe(sized(65_536))

    const tooLarge = await handler(eventRequest(LEAD, sized(65_537)))
    expect(tooLarge.status).toBe(413)
    expect(await tooLarge.json()).toEqual({ error: 'Request body too large: the limit is 65536 bytes' })

    const bytes = new TextEncoder().encode(sized(200_000))
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 10_000) controller.enqueue(bytes.slice(at, at + 10_000))
        controller.close()
      },
    })
    const streamed = new Request('https://www.shop.example' + LEAD, { method: 'POST', body: stream, duplex: 'half' } as RequestInit)
    expect(streamed.headers.get('content-length')).toBeNull()
    expect((await handler(streamed)).status).toBe(413)
    expect(upstream.calls).toHaveLength(1)
  })

  it('answers 400 to a body that is not UTF-8', async () => {
    const { handler } = setup()
    const response = await handler(new Request('https://www.shop.example' + LEAD, { method: 'POST', body: new Uint8Array([0x7b, 0xff, 0x7d]) }))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toMatch(/UTF-8/)
  })

  it('answers 405 with Allow: POST to another method on an event path', async () => {
    const { upstream, handler } = setup()
    for (const method of ['GET', 'PUT', 'OPTIONS']) {
      const response = await handler(eventRequest(CLICK, '{}', { method }))
      expect(response.status).toBe(405)
      expect(response.headers.get('allow')).toBe('POST')
      expect((await response.json()).error).toBe(`Method ${method} not allowed: use POST`)
    }
    expect(upstream.calls).toEqual([])
  })

  it.each(['/_affitor', '/_affitor/', '/_affitor/api/v1/track/sale', '/_affitor/api/v1/track/click/', '/_affitorx/api/v1/track/click', '/api/v1/track/click', '/'])('answers 404 JSON to POST %s', async (path) => {
    const { upstream, handler } = setup()
    const response = await handler(eventRequest(path, { affiliate_url: 'https://www.shop.example/?aff=P1' }))
    expect(response.status).toBe(404)
    expect((await response.json()).error).toMatch(/^Not found/)
    expect(upstream.calls).toEqual([])
  })

  it('answers under another mount, the root included', async () => {
    const under = setup({ mount: '/t/' })
    expect(under.handler.mount).toBe('/t')
    expect((await under.handler(eventRequest('/t/api/v1/track/lead', { customer_key: 'u1' }))).status).toBe(200)
    expect((await under.handler(eventRequest(LEAD, { customer_key: 'u1' }))).status).toBe(404)
    const root = setup({ mount: '/' })
    expect(root.handler.mount).toBe('')
    expect((await root.handler(eventRequest('/api/v1/track/lead', { customer_key: 'u1' }))).status).toBe(200)
    expect(root.upstream.calls).toHaveLength(1)
  })

  it('throws a TypeError for invalid options at creation', () => {
    expect(() => createFirstPartyHandler({ apiBase: 'api.affitor.com' })).toThrow(TypeError)
  })
})

describe('what the tracking API may answer', () => {
  it('reads no more than 64 KiB of an answer, and answers 502 for a larger one', async () => {
    let sent = 0
    const huge = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 80 MiB if it were all read; pulled 16 KiB at a time.
        if (sent >= 80 * 1024 * 1024) return controller.close()
        sent += 16 * 1024
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x20))
      },
    })
    const response = await createFirstPartyHandler({ fetch: (async () => new Response(huge, { status: 200 })) as never })(eventRequest(LEAD, { customer_key: 'u1' }))
    expect(response.status).toBe(502)
    expect((await response.json()).error).toBe('Tracking API answered more than 65536 bytes')
    expect(sent).toBeLessThan(200 * 1024)
  })

  it('follows no redirect: the event goes to the tracking API only', async () => {
    const asked: RequestInit[] = []
    const fetch = async (_url: string, init: RequestInit) => (asked.push(init), new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } }))
    const response = await createFirstPartyHandler({ fetch: fetch as never })(eventRequest(LEAD, { customer_key: 'u1' }))
    expect(asked[0].redirect).toBe('manual')
    expect(response.status).toBe(502)
    expect((await response.json()).error).toBe('Tracking API answered 302 without JSON')
  })
})
