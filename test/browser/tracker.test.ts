import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { CLICK_COOKIE, PARTNER_COOKIE, readCookie } from '../../src/browser/cookie-storage'
import { readOutbox } from '../../src/browser/outbox'
import { CLICK_WAIT_MS, createTracker } from '../../src/browser/tracker'
import type { TrackerOptions } from '../../src/browser/options'
import { fakeApi } from '../helpers/fake-api'
import { blockCookies, blockStorage, captureCookieWrites, clearBrowserState, clearCookiesOnly, clearListeners, setPage } from '../helpers/page'

afterEach(() => {
  vi.useRealTimers()
  clearBrowserState()
})

function start(url: string, api = fakeApi(), options: Partial<TrackerOptions> = {}) {
  setPage(url)
  const tracker = createTracker({ programId: 42, apiBase: 'http://api.test', transport: api.transport, ...options })
  return { tracker, api }
}

describe('click', () => {
  it('sends nothing without a partner code', async () => {
    const { tracker, api } = start('https://www.shop.test/pricing')
    await expect(tracker.trackClick()).resolves.toEqual({ ok: true, status: 0, skipped: 'no-code' })
    expect(api.received).toHaveLength(0)
    expect(tracker.getClickId()).toBeNull()
  })

  it('reports the landing with every protocol field and stores the click id', async () => {
    setPage('https://www.shop.test/pricing?aff=P1&utm_source=blog', { title: 'Pricing', referrer: 'https://blog.example/' })
    const api = fakeApi()
    const tracker = createTracker({ programId: 42, apiBase: 'http://api.test', transport: api.transport })
    const result = await tracker.trackClick()
    expect(result).toMatchObject({ ok: true, status: 200, data: { click_id: 'clk_1' } })
    expect(api.clicks()).toHaveLength(1)
    const [click] = api.clicks()
    expect(click.url).toBe('http://api.test/api/v1/track/click')
    expect(click.body).toEqual({
      affiliate_url: 'https://www.shop.test/pricing?aff=P1&utm_source=blog',
      page_url: 'https://www.shop.test/pricing?aff=P1&utm_source=blog',
      page_title: 'Pricing',
      referrer_url: 'https://blog.example/',
      session_id: expect.stringMatching(/^[a-z0-9]+$/),
      user_agent: navigator.userAgent,
      screen_resolution: expect.stringMatching(/^\d+x\d+$/),
      viewport_size: expect.stringMatching(/^\d+x\d+$/),
      language: navigator.language,
      timezone: expect.any(String),
      additional_data: { program_id: '42' },
      event_id: expect.stringMatching(/^[a-z0-9]{12,}$/),
    })
    expect(click.body).not.toHaveProperty('existing_click_id')
    expect(tracker.getClickId()).toBe('clk_1')
    expect(tracker.getData()).toEqual({ clickId: 'clk_1', partnerCode: 'P1', programId: '42', hasAttribution: true })
  })

  describe('several names for the partner-code parameter', () => {
    const aliases = { param: ['aff', 'ref', 'via'] }

    it('reads the code from any of them, and sends it as aff=<code>, the rest of the URL as written', async () => {
      const { tracker, api } = start('https://www.shop.test/pricing?utm_source=a%20b&ref=P7&flag#top', fakeApi(), aliases)
      await tracker.trackClick()
      expect(api.clicks().map((click) => click.body.affiliate_url)).toEqual(['https://www.shop.test/pricing?utm_source=a%20b&ref=P7&flag&aff=P7'])
      expect(tracker.getData()).toMatchObject({ partnerCode: 'P7', hasAttribution: true })
    })

    it('takes the first name of the list that holds a code', async () => {
      const first = start('https://www.shop.test/?via=V1&ref=R1', fakeApi(), aliases)
      await first.tracker.trackClick()
      expect(first.api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/?via=V1&ref=R1&aff=R1')
      clearBrowserState()
      // In the list's order, not the URL's; a name whose value is no code gives way to the next.
      const ordered = start('https://www.shop.test/?aff=A1&ref=R1', fakeApi(), { param: ['ref', 'aff'] })
      await ordered.tracker.trackClick()
      expect(ordered.api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/?ref=R1&aff=R1')
      clearBrowserState()
      const invalid = start('https://www.shop.test/?aff=bad%20code!&via=V2', fakeApi(), aliases)
      await invalid.tracker.trackClick()
      expect(invalid.api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/?via=V2&aff=V2')
    })

    it('sends a URL whose aff is already the code unchanged', async () => {
      const { tracker, api } = start('https://www.shop.test/?aff=P1&ref=P2', fakeApi(), aliases)
      await tracker.trackClick()
      expect(api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/?aff=P1&ref=P2')
    })

    it('with cleanUrl, takes every one of them out of the address bar', async () => {
      const { tracker } = start('https://www.shop.test/?ref=P7&via=P8&plan=pro#faq', fakeApi(), { ...aliases, cleanUrl: true })
      await tracker.trackClick()
      expect(location.href).toBe('https://www.shop.test/?plan=pro#faq')
    })

    it('never redacts a listed name, whatever its case, and stores the code it read', async () => {
      const { tracker, api } = start('https://www.shop.test/?Code=P1', fakeApi(), { param: ['Code'] })
      await tracker.trackClick()
      expect(api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/?Code=P1&aff=P1')
      expect(tracker.getData()).toMatchObject({ partnerCode: 'P1' })
    })

    it('with cleanUrl, takes a listed name out however it is encoded', async () => {
      const { tracker } = start('https://www.shop.test/?r%65f=P7&plan=pro', fakeApi(), { ...aliases, cleanUrl: true })
      await tracker.trackClick()
      expect(location.href).toBe('https://www.shop.test/?plan=pro')
    })

    it('reports nothing for a name outside the list', async () => {
      const { tracker, api } = start('https://www.shop.test/?partner=P7', fakeApi(), aliases)
      await expect(tracker.trackClick()).resolves.toMatchObject({ skipped: 'no-code' })
      expect(api.received).toHaveLength(0)
    })
  })

  it("sends to the page's own origin when apiBase is a path", async () => {
    const { tracker, api } = start('https://www.shop.test/?aff=P1', fakeApi(), { apiBase: '/' })
    await tracker.trackClick()
    expect(api.clicks().map((click) => click.url)).toEqual(['/api/v1/track/click'])
  })

  it('keeps the cookie for cookie_window_days, or 60 days when the answer omits it', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] })
    const capture = captureCookieWrites()
    try {
      await start('https://www.shop.test/?aff=P1', fakeApi(() => ({ status: 200, data: { success: true, click_id: 'c30', cookie_window_days: 30 } }))).tracker.trackClick()
      await start('https://www.shop.test/?aff=P2', fakeApi(() => ({ status: 200, data: { success: true, click_id: 'c60' } }))).tracker.trackClick()
    } finally {
      capture.stop()
    }
    const write = (value: string) => capture.writes.find((line) => line.startsWith(`${CLICK_COOKIE}=${value};`))
    expect(write('c30')).toContain('expires=' + new Date('2026-01-31T00:00:00Z').toUTCString())
    expect(write('c60')).toContain('expires=' + new Date('2026-03-02T00:00:00Z').toUTCString())
    expect(write('c60')).toMatch(/domain=shop\.test/)
    expect(write('c60')).toMatch(/secure/i)
  })

  it('does not report the same partner again (refresh, internal link)', async () => {
    const api = fakeApi()
    await start('https://www.shop.test/?aff=P1', api).tracker.trackClick()
    const again = start('https://www.shop.test/features?aff=P1', api).tracker
    await expect(again.trackClick()).resolves.toEqual({ ok: true, status: 0, skipped: 'same-partner' })
    expect(api.clicks()).toHaveLength(1)
    expect(again.getClickId()).toBe('clk_1')
  })

  it("lets another partner's click win, sending the existing click id", async () => {
    const api = fakeApi()
    await start('https://www.shop.test/?aff=P1', api).tracker.trackClick()
    const second = start('https://www.shop.test/?aff=P2', api).tracker
    await second.trackClick()
    expect(api.clicks()).toHaveLength(2)
    expect(api.clicks()[1].body.existing_click_id).toBe('clk_1')
    expect(second.getData()).toMatchObject({ clickId: 'clk_2', partnerCode: 'P2' })
  })

  it('shares the click across subdomains of the site', async () => {
    await start('https://www.shop.test/?aff=P1').tracker.trackClick()
    const app = start('https://app.shop.test/dashboard').tracker
    expect(app.getClickId()).toBe('clk_1')
  })

  it('is host-only on localhost', async () => {
    const capture = captureCookieWrites()
    await start('http://localhost:4700/?aff=P1').tracker.trackClick()
    capture.stop()
    expect(capture.writes.find((line) => line.startsWith(CLICK_COOKIE))).not.toMatch(/domain=/)
    expect(readCookie(CLICK_COOKIE)).toBe('clk_1')
  })

  it('stores nothing for an inactive link, and keeps an earlier attribution', async () => {
    const api = fakeApi((event) =>
      event.body.affiliate_url.includes('OFF') ? { status: 200, data: { success: false, message: 'Referral link is inactive' } } : undefined!,
    )
    await start('https://www.shop.test/?aff=P1', api).tracker.trackClick()
    const result = await start('https://www.shop.test/?aff=OFF', api).tracker.trackClick()
    expect(result).toMatchObject({ ok: false, status: 200, error: 'Referral link is inactive' })
    expect(readCookie(CLICK_COOKIE)).toBe('clk_1')
    expect(readCookie(PARTNER_COOKIE)).toBe('P1')
  })

  it('reports a 4xx or 5xx answer with its message and stores nothing', async () => {
    const api = fakeApi(() => ({ status: 400, data: { error: 'Referral link not found' } }))
    const result = await start('https://www.shop.test/?aff=NOPE', api).tracker.trackClick()
    expect(result).toMatchObject({ ok: false, status: 400, error: 'Referral link not found' })
    const down = fakeApi(() => ({ status: 503 }))
    await expect(start('https://www.shop.test/?aff=P1', down).tracker.trackClick()).resolves.toMatchObject({
      ok: false,
      status: 503,
      error: 'HTTP 503',
    })
    expect(readCookie(CLICK_COOKIE)).toBeUndefined()
  })

  it('resolves with the error when the network fails, never rejects', async () => {
    const transport = { send: () => Promise.reject(new TypeError('Failed to fetch')) }
    setPage('https://www.shop.test/?aff=P1')
    const result = await createTracker({ programId: 1, transport }).trackClick()
    expect(result).toEqual({ ok: false, status: 0, error: 'TypeError: Failed to fetch', queued: true })
  })

  it('survives a transport that throws synchronously or answers garbage', async () => {
    // Both events are kept and retried with backoff: fake timers, which end with the test, so that no retry runs into the next one.
    vi.useFakeTimers()
    setPage('https://www.shop.test/?aff=P1')
    const throwing = {
      send: () => {
        throw new Error('boom')
      },
    }
    await expect(createTracker({ programId: 1, transport: throwing }).trackClick()).resolves.toMatchObject({ ok: false })
    const garbage = { send: async () => ({ status: 200, data: 'not an object' }) }
    // Not the protocol's answer: a failure, kept to be sent again.
    await expect(createTracker({ programId: 1, transport: garbage as never }).trackClick()).resolves.toMatchObject({ ok: false, queued: true, error: 'no JSON answer' })
    expect(readCookie(CLICK_COOKIE)).toBeUndefined()
  })

  it('joins concurrent calls into one report', async () => {
    const { tracker, api } = start('https://www.shop.test/?aff=P1')
    const results = await Promise.all([tracker.trackClick(), tracker.trackClick(), tracker.trackClick()])
    expect(api.clicks()).toHaveLength(1)
    expect(new Set(results).size).toBe(1)
  })

  it('sends one click when two trackers start on one page (script tag and npm, a double mount)', async () => {
    const api = fakeApi()
    setPage('https://www.shop.test/?aff=P1')
    const first = createTracker({ programId: 42, transport: api.transport })
    const second = createTracker({ programId: 42, transport: api.transport })
    const [a, b] = await Promise.all([first.trackClick(), second.trackClick()])
    expect(api.clicks()).toHaveLength(1)
    expect(a).toBe(b)
    expect(second.getClickId()).toBe('clk_1')
  })

  it('waits until a prerendered page is shown before reporting its landing', async () => {
    setPage('https://www.shop.test/?aff=P1')
    let prerendering = true
    Object.defineProperty(document, 'prerendering', { configurable: true, get: () => prerendering })
    try {
      const api = fakeApi()
      createTracker({ programId: 42, transport: api.transport })
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(api.clicks()).toHaveLength(0)
      prerendering = false
      document.dispatchEvent(new Event('prerenderingchange'))
      await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
      document.dispatchEvent(new Event('prerenderingchange'))
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(api.clicks()).toHaveLength(1)
    } finally {
      delete (document as unknown as Record<string, unknown>).prerendering
    }
  })

  it('reports on creation by default, and only on trackClick() with autoTrack: false', async () => {
    const auto = fakeApi()
    start('https://www.shop.test/?aff=P1', auto)
    await vi.waitFor(() => expect(readCookie(CLICK_COOKIE)).toBe('clk_1'))
    expect(auto.clicks()).toHaveLength(1)
    clearBrowserState()
    const manual = fakeApi()
    const { tracker } = start('https://www.shop.test/?aff=P1', manual, { autoTrack: false })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(manual.received).toHaveLength(0)
    await tracker.trackClick()
    expect(manual.clicks()).toHaveLength(1)
  })

  it('reads the code from a custom parameter', async () => {
    const { tracker, api } = start('https://www.shop.test/?ref=P9&aff=P1', fakeApi(), { param: 'ref' })
    await tracker.trackClick()
    expect(tracker.getData().partnerCode).toBe('P9')
    expect(api.clicks()).toHaveLength(1)
  })

  it('ignores an unsafe code without a request', async () => {
    const { tracker, api } = start('https://www.shop.test/?aff=%3Cscript%3E')
    await expect(tracker.trackClick()).resolves.toMatchObject({ skipped: 'no-code' })
    expect(api.received).toHaveLength(0)
  })

  it('keeps one session id for the visit', async () => {
    const api = fakeApi()
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    await tracker.trackClick()
    await tracker.signup('user_1')
    expect(api.leads()[0].body.session_id).toBe(api.clicks()[0].body.session_id)
  })
})

describe('bots and first-party endpoints', () => {
  const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36'

  it('reports no click from a browser under automation, or a crawler, and says why', async () => {
    stubNavigator({ webdriver: true })
    const { tracker, api } = start('https://www.shop.test/?aff=P1')
    await expect(tracker.trackClick()).resolves.toEqual({ ok: true, status: 0, skipped: 'bot' })
    clearBrowserState()
    stubNavigator({ webdriver: false, userAgent: HEADLESS })
    await expect(start('https://www.shop.test/?aff=P2', api).tracker.trackClick()).resolves.toMatchObject({ skipped: 'bot' })
    expect(api.received).toHaveLength(0)
    expect(readCookie(CLICK_COOKIE)).toBeUndefined()
    // A page without a code is no landing, bot or not.
    await expect(start('https://www.shop.test/', api).tracker.trackClick()).resolves.toMatchObject({ skipped: 'no-code' })
  })

  it('still sends a signup from a bot: only clicks are left out', async () => {
    stubNavigator({ webdriver: true })
    const { tracker, api } = start('https://www.shop.test/?aff=P1')
    await expect(tracker.signup('user_1')).resolves.toMatchObject({ ok: true, status: 200 })
    expect(api.clicks()).toHaveLength(0)
    expect(api.leads()).toHaveLength(1)
  })

  it('reports a bot\'s landing with trackBots, for end-to-end tests', async () => {
    stubNavigator({ webdriver: true, userAgent: HEADLESS })
    const { tracker, api } = start('https://www.shop.test/?aff=P1', fakeApi(), { trackBots: true })
    await expect(tracker.trackClick()).resolves.toMatchObject({ ok: true, status: 200 })
    expect(api.clicks()).toHaveLength(1)
  })

  it('sends to the endpoint option, and leaves a click cookie the endpoint set as it is', async () => {
    // A first-party endpoint answers the click with Set-Cookie: the browser stores it before the script reads the answer.
    const api = fakeApi((event) => {
      if (!event.path.endsWith('/click')) return undefined
      document.cookie = 'affitor_click_id=clk_server; path=/'
      document.cookie = 'affitor_partner_code=P1; path=/'
      return { status: 200, data: { success: true, click_id: 'clk_server', partner_code: 'P1', cookie_window_days: 60 } }
    })
    setPage('https://www.shop.test/?aff=P1')
    const capture = captureCookieWrites()
    const tracker = createTracker({ programId: 42, endpoint: '/_affitor', transport: api.transport })
    await expect(tracker.trackClick()).resolves.toMatchObject({ ok: true })
    capture.stop()
    expect(api.received.map((event) => event.url)).toEqual(['/_affitor/api/v1/track/click'])
    // The endpoint's two cookies, and the tracker's session cookie: no script write of the click.
    expect(capture.writes.filter((line) => /^affitor_(click_id|partner_code)=/.test(line))).toEqual(['affitor_click_id=clk_server; path=/', 'affitor_partner_code=P1; path=/'])
    expect(tracker.getData()).toMatchObject({ clickId: 'clk_server', partnerCode: 'P1' })
  })

  it('writes the cookie itself when the endpoint\'s was refused or is another click', async () => {
    const api = fakeApi((event) => {
      if (!event.path.endsWith('/click')) return undefined
      document.cookie = 'affitor_click_id=clk_stale; path=/; domain=shop.test'
      return { status: 200, data: { success: true, click_id: 'clk_new', cookie_window_days: 30 } }
    })
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    await tracker.trackClick()
    expect(tracker.getData()).toMatchObject({ clickId: 'clk_new', partnerCode: 'P1' })
  })
})

describe('single-page apps', () => {
  it('tracks a client-side navigation to a partner code like a landing: pushState, replaceState, popstate', async () => {
    const { tracker, api } = start('https://www.shop.test/')
    await tracker.trackClick()
    history.pushState(null, '', '/pricing?aff=P1')
    await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
    expect(api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/pricing?aff=P1')
    // Another partner's link reached without a reload: last click wins.
    history.replaceState(null, '', '/pricing?aff=P2')
    await vi.waitFor(() => expect(api.clicks()).toHaveLength(2))
    expect(api.clicks()[1].body).toMatchObject({ affiliate_url: 'https://www.shop.test/pricing?aff=P2', existing_click_id: 'clk_1' })
    // Back or forward to an entry this page view has not seen (pushed before a reload).
    setPage('https://www.shop.test/pricing?aff=P3')
    dispatchEvent(new PopStateEvent('popstate'))
    await vi.waitFor(() => expect(api.clicks()).toHaveLength(3))
    // Pages without a code, and the stored partner's own code again, send nothing.
    history.pushState(null, '', '/app')
    history.pushState(null, '', '/pricing?aff=P3')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(api.clicks()).toHaveLength(3)
    expect(readCookie(PARTNER_COOKIE)).toBe('P3')
  })

  it('takes going back or forward to a landing this page view has seen for no new click', async () => {
    const { api } = start('https://www.shop.test/?aff=P1')
    await vi.waitFor(() => expect(readCookie(PARTNER_COOKIE)).toBe('P1'))
    history.pushState(null, '', '/pricing?aff=P2')
    await vi.waitFor(() => expect(readCookie(PARTNER_COOKIE)).toBe('P2'))
    // Back to the first landing: P1's link was not clicked again.
    setPage('https://www.shop.test/?aff=P1')
    dispatchEvent(new PopStateEvent('popstate'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(api.clicks()).toHaveLength(2)
    expect(readCookie(PARTNER_COOKIE)).toBe('P2')
    // A new link to it is a click, though: last click wins.
    history.pushState(null, '', '/?aff=P1&from=footer')
    await vi.waitFor(() => expect(readCookie(PARTNER_COOKIE)).toBe('P1'))
    expect(api.clicks()).toHaveLength(3)
  })

  it('leaves navigation alone with autoTrack: false', async () => {
    const { api } = start('https://www.shop.test/', fakeApi(), { autoTrack: false })
    history.pushState(null, '', '/?aff=P1')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(api.received).toHaveLength(0)
  })

  it('with cleanUrl, removes the code from the address bar once captured, keeping the rest', async () => {
    setPage('https://www.shop.test/pricing?utm_source=blog&aff=P1#plans')
    history.replaceState({ key: 'router' }, '')
    const api = fakeApi()
    const tracker = createTracker({ programId: 42, apiBase: 'http://api.test', transport: api.transport, cleanUrl: true })
    expect(location.href).toBe('https://www.shop.test/pricing?utm_source=blog#plans')
    expect(history.state).toEqual({ key: 'router' })
    await vi.waitFor(() => expect(tracker.getClickId()).toBe('clk_1'))
    expect(api.clicks()).toHaveLength(1)
    // The landing as it was, but for the fragment, which never leaves the page.
    expect(api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/pricing?utm_source=blog&aff=P1')
  })

  it('with cleanUrl, cleans a code reached by navigation too, and leaves code-less URLs as they are', async () => {
    const { tracker, api } = start('https://www.shop.test/?tab=2', fakeApi(), { cleanUrl: true })
    await tracker.trackClick()
    expect(location.href).toBe('https://www.shop.test/?tab=2')
    history.pushState(null, '', '/signup?aff=P1&plan=pro')
    expect(location.href).toBe('https://www.shop.test/signup?plan=pro')
    await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
    expect(api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/signup?aff=P1&plan=pro')
  })

  it('with cleanUrl and consent pending, cleans at once and reports the held landing on consent', async () => {
    const { tracker, api } = start('https://www.shop.test/?aff=P1', fakeApi(), { cleanUrl: true, requireConsent: true })
    expect(location.href).toBe('https://www.shop.test/')
    tracker.grantConsent()
    await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
    expect(api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/?aff=P1')
  })
})

describe('signup', () => {
  it('sends the lead with the stored click and the page', async () => {
    const { tracker, api } = start('https://www.shop.test/?aff=P1')
    await tracker.trackClick()
    setPage('https://app.shop.test/welcome')
    const result = await tracker.signup('user_1', 'a@b.co')
    expect(result).toMatchObject({ ok: true, status: 200 })
    const [lead] = api.leads()
    expect(lead.url).toBe('http://api.test/api/v1/track/lead')
    expect(lead.body).toEqual({
      customer_key: 'user_1',
      email: 'a@b.co',
      click_id: 'clk_1',
      // As the leads of Affitor's own script say.
      has_attribution: true,
      page_url: 'https://app.shop.test/welcome',
      session_id: api.clicks()[0].body.session_id,
      program_id: '42',
      event_id: expect.stringMatching(/^[a-z0-9]{12,}$/),
    })
    expect(lead.body.event_id).not.toBe(api.clicks()[0].body.event_id)
  })

  it('waits for a click still in flight on the same page', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const api = fakeApi(async (event) => {
      if (event.path.endsWith('/click')) await gate
      return undefined!
    })
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    const signup = tracker.signup('user_1')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(api.leads()).toHaveLength(0)
    release()
    await signup
    expect(api.leads()[0].body.click_id).toBe('clk_1')
  })

  it('waits for a hanging click at most CLICK_WAIT_MS, then sends the lead with what it knows', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    const api = fakeApi((event) => (event.path.endsWith('/click') ? new Promise(() => {}) : undefined!))
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    let settled = false
    const signup = tracker.signup('user_1').then((result) => ((settled = true), result))
    await vi.advanceTimersByTimeAsync(CLICK_WAIT_MS - 1)
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await expect(signup).resolves.toMatchObject({ ok: true })
    expect(api.leads()[0].body).toMatchObject({ customer_key: 'user_1' })
    expect(api.leads()[0].body).not.toHaveProperty('click_id')
  })

  it('sends a lead without a click id when the visitor came through no link', async () => {
    const { tracker, api } = start('https://www.shop.test/')
    await tracker.signup('user_1')
    expect(api.leads()[0].body).not.toHaveProperty('click_id')
    expect(api.leads()[0].body.customer_key).toBe('user_1')
  })

  it('refuses bad arguments with a clear error and no request', async () => {
    const { tracker, api } = start('https://www.shop.test/')
    for (const [key, email] of [['', undefined], [42, undefined], ['k'.repeat(257), undefined], ['user_1', 'not-an-email']]) {
      const result = await tracker.signup(key as string, email as string)
      expect(result.ok).toBe(false)
      expect(result.status).toBe(0)
      expect(result.error).toMatch(/customerKey|email/)
    }
    expect(api.received).toHaveLength(0)
  })

  it('sends the same customer once per browser', async () => {
    const api = fakeApi()
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    await tracker.signup('user_1', 'a@b.co')
    await expect(tracker.signup('user_1', 'a@b.co')).resolves.toEqual({ ok: true, status: 0, skipped: 'already-sent' })
    const onApp = start('https://app.shop.test/', api).tracker
    await expect(onApp.signup('user_1')).resolves.toMatchObject({ skipped: 'already-sent' })
    expect(api.leads()).toHaveLength(1)
    await onApp.signup('user_2')
    expect(api.leads()).toHaveLength(2)
  })

  it('remembers the last customer, by tag rather than by key', async () => {
    const { tracker, api } = start('https://app.shop.test/')
    for (const key of ['alice', 'alice', 'bob', 'bob', 'alice']) await tracker.signup(key)
    expect(api.leads().map((lead) => lead.body.customer_key)).toEqual(['alice', 'bob', 'alice'])
    expect(document.cookie).not.toMatch(/alice|bob/)
    expect(JSON.stringify(localStorage)).not.toMatch(/alice|bob/)
  })

  it('joins concurrent signups of one customer into one request', async () => {
    const { tracker, api } = start('https://www.shop.test/?aff=P1')
    await Promise.all([tracker.signup('user_1'), tracker.signup('user_1')])
    expect(api.leads()).toHaveLength(1)
  })

  it('tries again later when the lead was not delivered', async () => {
    let fail = true
    const api = fakeApi((event) => (event.path.endsWith('/lead') && fail ? { status: 500, data: { error: 'down' } } : undefined!))
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    await expect(tracker.signup('user_1')).resolves.toMatchObject({ ok: false, status: 500, error: 'down' })
    fail = false
    await expect(tracker.signup('user_1')).resolves.toMatchObject({ ok: true, status: 200 })
    // The waiting lead went again first (same event id), then the new call's: one customer, one lead on the server.
    const [first, retry, again] = api.leads().map((lead) => lead.body)
    expect(retry.event_id).toBe(first.event_id)
    expect(again.customer_key).toBe('user_1')
    expect(readOutbox()).toEqual([])
  })

  it('counts a duplicate answer as delivered', async () => {
    const api = fakeApi((event) => (event.path.endsWith('/lead') ? { status: 200, data: { success: true, duplicate: true } } : undefined!))
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    await tracker.signup('user_1')
    await expect(tracker.signup('user_1')).resolves.toMatchObject({ skipped: 'already-sent' })
  })
})

describe('nothing lost', () => {
  const down = () => fakeApi(() => {
    throw new TypeError('Failed to fetch')
  })

  it('keeps a click the endpoint did not take, and delivers it on the next page view with the same event id', async () => {
    const first = down()
    const { tracker } = start('https://www.shop.test/?aff=P1', first)
    await expect(tracker.trackClick()).resolves.toMatchObject({ ok: false, queued: true })
    expect(readOutbox()).toHaveLength(1)
    expect(readOutbox()[0].body).toMatchObject({ affiliate_url: 'https://www.shop.test/?aff=P1' })
    expect(tracker.getClickId()).toBeNull()

    // The next page, without a partner code, with the endpoint back.
    const api = fakeApi()
    start('https://www.shop.test/pricing', api)
    await vi.waitFor(() => expect(readCookie(CLICK_COOKIE)).toBe('clk_1'))
    expect(readCookie(PARTNER_COOKIE)).toBe('P1')
    expect(api.clicks().map((click) => click.body.event_id)).toEqual(first.clicks().map((click) => click.body.event_id))
    expect(readOutbox()).toEqual([])
  })

  it('retries a 5xx on this page with backoff, and drops a 4xx', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] })
    let failures = 2
    const api = fakeApi(() => (failures-- > 0 ? { status: 503, data: { error: 'busy' } } : undefined!))
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    await expect(tracker.trackClick()).resolves.toMatchObject({ ok: false, status: 503, queued: true })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(api.clicks()).toHaveLength(3)
    expect(new Set(api.clicks().map((click) => click.body.event_id)).size).toBe(1)
    expect(readCookie(CLICK_COOKIE)).toBe('clk_1')
    expect(readOutbox()).toEqual([])

    clearBrowserState()
    const refused = fakeApi(() => ({ status: 400, data: { error: 'Referral link not found' } }))
    await expect(start('https://www.shop.test/?aff=NOPE', refused).tracker.trackClick()).resolves.toMatchObject({ ok: false, status: 400 })
    expect(readOutbox()).toEqual([])
  })

  it('sends what waits when the browser comes back online', async () => {
    let online = false
    const api = fakeApi(() => {
      if (!online) throw new TypeError('Failed to fetch')
      return undefined!
    })
    await start('https://www.shop.test/?aff=P1', api).tracker.trackClick()
    online = true
    window.dispatchEvent(new Event('online'))
    await vi.waitFor(() => expect(readCookie(CLICK_COOKIE)).toBe('clk_1'))
    expect(api.clicks()).toHaveLength(2)
  })

  it('keeps a lead too, and gives it the click id once the click is through', async () => {
    let online = false
    const api = fakeApi(() => {
      if (!online) throw new TypeError('Failed to fetch')
      return undefined!
    })
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    await expect(tracker.signup('user_1', 'a@b.co')).resolves.toMatchObject({ ok: false, queued: true })
    expect(readOutbox().map((item) => item.type)).toEqual(['click', 'lead'])

    online = true
    // The next page view, on the same origin: localStorage and the cookie that says it holds events are the origin's own.
    start('https://www.shop.test/', api)
    await vi.waitFor(() => expect(readOutbox()).toEqual([]))
    const leads = api.leads()
    expect(leads.at(-1)!.body).toMatchObject({ customer_key: 'user_1', click_id: 'clk_1' })
    // Every attempt was the same event: the server stores its id once.
    expect(new Set(leads.map((lead) => lead.body.event_id)).size).toBe(1)
    await expect(tracker.signup('user_1')).resolves.toMatchObject({ skipped: 'already-sent' })
  })

  it('still sends, once, when storage is unavailable', async () => {
    const unblock = blockStorage()
    try {
      const { tracker, api } = start('https://www.shop.test/?aff=P1')
      await expect(tracker.trackClick()).resolves.toMatchObject({ ok: true })
      expect(api.clicks()).toHaveLength(1)
      expect(readCookie(CLICK_COOKIE)).toBe('clk_1')
    } finally {
      unblock()
    }
  })
})

/** Gives the browser's navigator `fields` (such as a privacy signal) for the current test. */
function stubNavigator(fields: Record<string, unknown>) {
  for (const [name, value] of Object.entries(fields)) {
    Object.defineProperty(navigator, name, { value, configurable: true })
    onTestFinished(() => {
      delete (navigator as unknown as Record<string, unknown>)[name]
    })
  }
}

describe('consent', () => {
  /** Everything the tracker could have stored: cookies and localStorage. */
  const stored = () => ({ cookies: document.cookie, storage: { ...localStorage } })

  it('with requireConsent, stores and sends nothing, not even a probe cookie, until grantConsent()', async () => {
    setPage('https://www.shop.test/?aff=P1')
    const capture = captureCookieWrites()
    const { tracker, api } = start('https://www.shop.test/?aff=P1', fakeApi(), { requireConsent: true })
    await expect(tracker.trackClick()).resolves.toEqual({ ok: true, status: 0, skipped: 'no-consent' })
    await expect(tracker.signup('user_1', 'a@b.co')).resolves.toEqual({ ok: true, status: 0, skipped: 'no-consent' })
    expect(tracker.getData()).toMatchObject({ clickId: null, hasAttribution: false })
    capture.stop()
    expect(capture.writes).toEqual([])
    expect(stored()).toEqual({ cookies: '', storage: {} })
    expect(api.received).toHaveLength(0)
  })

  it('holds the landing in memory and reports it on consent, even after a SPA moved on, then the signup', async () => {
    const { tracker, api } = start('https://www.shop.test/pricing?aff=P1', fakeApi(), { requireConsent: true })
    await tracker.signup('user_1', 'a@b.co')
    history.replaceState(null, '', '/checkout')
    tracker.grantConsent()
    await vi.waitFor(() => expect(api.leads()).toHaveLength(1))
    expect(api.clicks()).toHaveLength(1)
    expect(api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/pricing?aff=P1')
    expect(api.leads()[0].body).toMatchObject({ customer_key: 'user_1', click_id: 'clk_1' })
    expect(readCookie(CLICK_COOKIE)).toBe('clk_1')
    expect(readCookie('affitor_consent')).toBe('1')
  })

  it('remembers the consent for later page views, on every subdomain', async () => {
    start('https://www.shop.test/', fakeApi(), { requireConsent: true }).tracker.grantConsent()
    // A new page on another origin: the report the first one started is not joined, and its
    // localStorage is not there.
    delete (window as { __affitor?: unknown }).__affitor
    localStorage.clear()
    const { tracker, api } = start('https://app.shop.test/?aff=P2', fakeApi(), { requireConsent: true })
    await expect(tracker.trackClick()).resolves.toMatchObject({ ok: true, status: 200 })
    expect(api.clicks()).toHaveLength(1)
  })

  it('revokeConsent() deletes what was stored, forgets held calls, and sends nothing afterwards', async () => {
    const api = fakeApi()
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    await tracker.trackClick()
    await tracker.signup('user_1')
    expect(readCookie(CLICK_COOKIE)).toBe('clk_1')
    tracker.revokeConsent()
    expect(tracker.getData()).toMatchObject({ clickId: null, partnerCode: null })
    expect(stored()).toEqual({ cookies: 'affitor_consent=0', storage: {} })
    await expect(tracker.signup('user_2')).resolves.toMatchObject({ skipped: 'no-consent' })
    // A later page view of the visit does not track either.
    const later = start('https://www.shop.test/?aff=P2', api).tracker
    await expect(later.trackClick()).resolves.toMatchObject({ skipped: 'no-consent' })
    expect(api.received).toHaveLength(2)
    // A new refusal forgets what was held meanwhile: a later grant sends none of it.
    tracker.revokeConsent()
    tracker.grantConsent()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(api.leads().map((lead) => lead.body.customer_key)).toEqual(['user_1'])
  })

  it('keeps the refusal in memory when the browser refuses cookies and storage', async () => {
    const unblock = blockCookies()
    const unblockStorage = blockStorage()
    try {
      const api = fakeApi()
      const { tracker } = start('https://www.shop.test/?aff=P1', api, { autoTrack: false })
      tracker.revokeConsent()
      await expect(tracker.trackClick()).resolves.toMatchObject({ skipped: 'no-consent' })
      expect(api.received).toHaveLength(0)
      tracker.grantConsent()
      await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
    } finally {
      unblock()
      unblockStorage()
    }
  })

  it('keeps the held landing when a later URL of the page has no code', async () => {
    const { tracker, api } = start('https://www.shop.test/pricing?aff=P1', fakeApi(), { requireConsent: true })
    history.replaceState(null, '', '/checkout')
    await tracker.trackClick()
    tracker.grantConsent()
    await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
    expect(api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/pricing?aff=P1')
  })

  it('stores nothing when consent is revoked while a signup waits for its click', async () => {
    // The click hangs: the signup waits up to CLICK_WAIT_MS for it.
    const api = fakeApi((event) => (event.path.endsWith('/click') ? new Promise(() => {}) : undefined!))
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    const lead = tracker.signup('user_1')
    tracker.revokeConsent()
    await vi.advanceTimersByTimeAsync(CLICK_WAIT_MS)
    await expect(lead).resolves.toMatchObject({ skipped: 'no-consent' })
    expect(readOutbox()).toEqual([])
    expect(api.leads()).toHaveLength(0)
  })

  it('takes nothing from localStorage under a cookie\'s name', async () => {
    localStorage.setItem(CLICK_COOKIE, JSON.stringify(['clk_old', Date.now() + 864e5]))
    setPage('https://www.shop.test/')
    const tracker = createTracker({ programId: 1, transport: fakeApi().transport })
    expect(tracker.getClickId()).toBeNull()
    expect(readCookie(CLICK_COOKIE)).toBeUndefined()
  })

  it('drops the outbox on revoke, and a late answer stores nothing', async () => {
    let answer!: () => void
    // The click's answer comes only when the test says so; the default answer follows.
    const api = fakeApi((event) => (event.path.endsWith('/click') ? new Promise((resolve) => (answer = () => resolve(undefined!))) : undefined!))
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    const click = tracker.trackClick()
    await vi.waitFor(() => expect(answer).toBeDefined())
    // On its way, it is kept in memory; the page being hidden puts it in the outbox.
    expect(readOutbox()).toEqual([])
    window.dispatchEvent(new Event('pagehide'))
    expect(readOutbox()).toHaveLength(1)
    tracker.revokeConsent()
    expect(readOutbox()).toEqual([])
    answer()
    await click
    expect(readCookie(CLICK_COOKIE)).toBeUndefined()
  })

  it('keeps a queued event unsent while consent is refused, and sends it once granted', async () => {
    let busy = true
    const api = fakeApi(() => (busy ? { status: 503, data: { error: 'busy' } } : undefined!))
    await start('https://www.shop.test/?aff=P1', api).tracker.trackClick()
    expect(readOutbox()).toHaveLength(1)
    busy = false
    // Refused meanwhile, say on another subdomain: the next page view sends nothing.
    document.cookie = 'affitor_consent=0; path=/; domain=shop.test'
    // A new page: only its own tracker listens.
    clearListeners()
    const tracker = start('https://www.shop.test/', api).tracker
    window.dispatchEvent(new Event('online'))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(api.clicks()).toHaveLength(1)
    tracker.grantConsent()
    await vi.waitFor(() => expect(readOutbox()).toEqual([]))
    expect(api.clicks()).toHaveLength(2)
    expect(api.clicks()[1].body.event_id).toBe(api.clicks()[0].body.event_id)
  })

  it('sends nothing when consent is revoked right after the tracker started', async () => {
    const api = fakeApi()
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    tracker.revokeConsent()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(api.received).toHaveLength(0)
    expect(stored()).toEqual({ cookies: 'affitor_consent=0', storage: {} })
  })

  for (const [signal, option, value] of [
    ['Global Privacy Control', 'honorGpc', { globalPrivacyControl: true }],
    ['Do Not Track', 'honorDnt', { doNotTrack: '1' }],
  ] as const) {
    it(`with ${option}, treats ${signal} as no consent until grantConsent()`, async () => {
      stubNavigator(value)
      const { tracker, api } = start('https://www.shop.test/?aff=P1', fakeApi(), { [option]: true })
      await expect(tracker.trackClick()).resolves.toMatchObject({ skipped: 'no-consent' })
      expect(api.received).toHaveLength(0)
      tracker.grantConsent()
      await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
    })

    it(`ignores ${signal} without ${option}`, async () => {
      stubNavigator(value)
      const { tracker } = start('https://www.shop.test/?aff=P1')
      await expect(tracker.trackClick()).resolves.toMatchObject({ ok: true, status: 200 })
    })
  }
})

describe('cookies cleared or blocked', () => {
  it('takes a cleared click cookie for the visitor\'s choice: the lead goes without it, and the outbox keeps nothing back', async () => {
    const api = fakeApi()
    await start('https://www.shop.test/?aff=P1', api).tracker.trackClick()
    clearCookiesOnly()
    const { tracker } = start('https://www.shop.test/signup', api)
    expect(readCookie(CLICK_COOKIE)).toBeUndefined()
    await tracker.signup('user_1')
    expect(api.leads()[0].body.click_id).toBeUndefined()
    expect(tracker.getData()).toMatchObject({ clickId: null, partnerCode: null })
  })
})

describe('in a hostile page', () => {
  it('keeps working, without throwing, when cookies are blocked', async () => {
    setPage('https://www.shop.test/?aff=P1')
    const unblock = blockCookies()
    try {
      const api = fakeApi()
      const tracker = createTracker({ programId: 1, transport: api.transport })
      await expect(tracker.trackClick()).resolves.toMatchObject({ ok: true })
      expect(tracker.getClickId()).toBeNull()
      await expect(tracker.signup('user_1')).resolves.toMatchObject({ ok: true })
      // Nothing holds the click id for it: the browser refused to.
      expect(api.leads()[0].body.click_id).toBeUndefined()
      expect(api.received).toHaveLength(2)
    } finally {
      unblock()
    }
  })

  it('keeps working with cookies and storage both blocked, attributing only on the landing page', async () => {
    setPage('https://www.shop.test/?aff=P1')
    const unblock = blockCookies()
    const unblockStorage = blockStorage()
    try {
      const api = fakeApi()
      const tracker = createTracker({ programId: 1, transport: api.transport })
      await expect(tracker.trackClick()).resolves.toMatchObject({ ok: true })
      expect(tracker.getClickId()).toBeNull()
      await expect(tracker.signup('user_1')).resolves.toMatchObject({ ok: true })
      expect(api.received).toHaveLength(2)
    } finally {
      unblock()
      unblockStorage()
    }
  })

  it('logs its decisions under [affitor] with debug on, and nothing with it off', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    await start('https://www.shop.test/?aff=P1').tracker.trackClick()
    expect(log).not.toHaveBeenCalled()
    clearBrowserState()
    await start('https://www.shop.test/?aff=P1', fakeApi(), { debug: true }).tracker.trackClick()
    expect(log).toHaveBeenCalledWith('[affitor]', 'click stored on', 'shop.test')
    expect(log).toHaveBeenCalledWith('[affitor]', 'partner code', 'P1', 'reporting')
    expect(log).toHaveBeenCalledWith('[affitor]', 'click', 'delivered', 200, expect.objectContaining({ click_id: 'clk_1' }))
  })
})

describe('debug mode (development builds)', () => {
  const messages = (log: { mock: { calls: unknown[][] } }) => log.mock.calls.map((call) => call.slice(1).map((part) => (typeof part == 'string' ? part : JSON.stringify(part))).join(' '))

  it('turns logging on with ?affitor_debug=1 in the page URL', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    await start('https://www.shop.test/?aff=P1&affitor_debug=1').tracker.trackClick()
    expect(messages(log)).toContain('partner code P1 reporting')
  })

  it('explains each decision: the code found or rejected, the cookie domain and why, each attempt and its outcome, skips and consent', async () => {
    vi.useFakeTimers()
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    let fail = true
    const api = fakeApi((event) => (event.path.endsWith('/click') && fail ? { status: 503 } : undefined))
    const { tracker } = start('https://www.shop.test/?aff=bad%20code!', api, { debug: true, requireConsent: true })
    await tracker.trackClick()
    history.replaceState(null, '', '/?aff=P1')
    await tracker.signup('', 'a@b.co')
    tracker.grantConsent()
    await vi.advanceTimersByTimeAsync(0)
    fail = false
    await vi.advanceTimersByTimeAsync(5_000)
    await tracker.signup('user_1')
    await tracker.signup('user_1')
    tracker.revokeConsent()
    const said = messages(log)
    for (const line of [
      'partner code rejected: "bad code!" (1 to 64 of A-Z a-z 0-9 _ . ~ -)',
      'consent pending: holding 42',
      'signup refused: invalid customerKey',
      'consent granted: making the held calls ["42"]',
      'cookie domain: shop.test (the broadest domain this browser accepted)',
      'sending click attempt 1',
      'click failed 503 HTTP 503',
      'sending click attempt 2',
      'click delivered 200 {"success":true,"click_id":"clk_1","partner_code":"P1","cookie_window_days":60}',
      'click stored on shop.test',
      'signup for customer "user_1"',
      'signup skipped: already-sent (this customer\'s lead was delivered from this browser)',
      'consent revoked: deleting what was stored',
    ]) {
      expect(said, said.join('\n')).toContain(line)
    }
    expect(said.some((line) => /^click kept in the outbox: next attempt in \d+ s$/.test(line))).toBe(true)
  })

  it('says why a landing is no click: a bot, or back to a page already counted', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    stubNavigator({ webdriver: true })
    await start('https://www.shop.test/?aff=P1', fakeApi(), { debug: true }).tracker.trackClick()
    expect(messages(log)).toContain("partner code P1 skipped: bot (navigator.webdriver, or a crawler's or headless user agent; trackBots reports it)")
    clearBrowserState()
    stubNavigator({ webdriver: false })
    start('https://www.shop.test/?aff=P2', fakeApi(), { debug: true })
    history.pushState(null, '', '/pricing')
    setPage('https://www.shop.test/?aff=P2')
    dispatchEvent(new PopStateEvent('popstate'))
    expect(messages(log)).toContain('back to https://www.shop.test/?aff=P2 which this page view has seen: not a new landing')
  })

  it('says so when it leaves the endpoint\'s click cookie as it is', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const api = fakeApi((event) => {
      if (!event.path.endsWith('/click')) return undefined
      document.cookie = 'affitor_click_id=clk_server; path=/'
      return { status: 200, data: { success: true, click_id: 'clk_server' } }
    })
    await start('https://www.shop.test/?aff=P1', api, { debug: true }).tracker.trackClick()
    expect(messages(log)).toContain('click cookie set by the server: left as it is')
  })

  it('says why the cookies are host-only, and when the cookieDomain option chose', async () => {
    vi.useFakeTimers()
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    await start('http://localhost:3000/?aff=P1', fakeApi(), { debug: true }).tracker.trackClick()
    await vi.advanceTimersByTimeAsync(0)
    expect(messages(log)).toContain('cookie domain: (host-only) (no domain accepted: localhost, an IP address, or cookies refused)')
    clearBrowserState()
    await start('https://www.shop.test/?aff=P2', fakeApi(), { debug: true, cookieDomain: 'www.shop.test' }).tracker.trackClick()
    await vi.advanceTimersByTimeAsync(0)
    expect(messages(log)).toContain('cookie domain: www.shop.test (the cookieDomain option)')
  })

  it('gives its state as data with getState(): options, consent, cookies, outbox, calls under way and held, the decisions', async () => {
    const api = fakeApi((event) => (event.path.endsWith('/lead') ? { status: 503 } : undefined))
    const { tracker } = start('https://www.shop.test/?aff=P1', api)
    await tracker.trackClick()
    await tracker.signup('user_1', 'a@b.co')
    const state = tracker.getState!()
    expect(state).toMatchObject({
      programId: '42',
      options: { programId: '42', apiBase: 'http://api.test', param: ['aff'], autoTrack: true, transport: 'custom' },
      consented: true,
      cookieDomain: 'shop.test',
      cookies: { affitor_click_id: 'clk_1', affitor_partner_code: 'P1', affitor_lead: null, affitor_consent: null },
      outbox: [{ type: 'lead', tries: 1, body: { customer_key: 'user_1', click_id: 'clk_1' } }],
      held: [],
    })
    expect(state.cookies.affitor_session_id).toEqual(expect.any(String))
    expect(state.log.map((entry) => entry.message)).toContain('partner code P1 reporting')
    // Data a support ticket can carry as it is.
    expect(JSON.parse(JSON.stringify(state))).toEqual(state)
  })
})
