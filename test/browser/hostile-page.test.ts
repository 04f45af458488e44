/**
 * The tracker in a page that is hostile or unlucky: an endpoint that never answers or answers
 * garbage, secrets in the URL, a polluted Object.prototype, a broken `history`, `screen` or
 * `Intl`, oversized fields, an absurd attribution window. Each case once broke something.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterEach, expect, it, vi } from 'vitest'
import { CLICK_COOKIE, readCookie } from '../../src/browser/cookie-storage'
import { readOutbox } from '../../src/browser/outbox'
import { DEFAULTS } from '../../src/browser/options'
import { createTracker, type Tracker } from '../../src/browser/tracker'
import type { TrackerOptions } from '../../src/browser/options'
import { asScriptTag, resetGlobals } from '../helpers/cdn'
import { fakeApi } from '../helpers/fake-api'
import { captureCookieWrites, clearBrowserState, setPage } from '../helpers/page'

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  resetGlobals()
  clearBrowserState()
})

function start(url: string, api = fakeApi(), options: Partial<TrackerOptions> = {}) {
  setPage(url)
  const tracker = createTracker({ programId: 42, apiBase: 'http://api.test', transport: api.transport, ...options })
  return { tracker, api }
}

/** Sets `Object.prototype[name]` for the rest of the test, as a careless library might. */
function pollute(name: string, value: unknown, enumerable = false) {
  Object.defineProperty(Object.prototype, name, { value, enumerable, configurable: true, writable: true })
  return () => delete (Object.prototype as Record<string, unknown>)[name]
}

it('gives up on an attempt after `timeout` ms: signup() resolves queued, and the lead is sent again later', async () => {
  vi.useFakeTimers()
  let hang = true
  const api = fakeApi((event) => (hang && event.path.endsWith('/lead') ? new Promise(() => {}) : undefined))
  const { tracker } = start('https://www.shop.test/', api, { timeout: 5000 })
  const signup = tracker.signup('user_1', 'a@b.co')
  await vi.advanceTimersByTimeAsync(4999)
  let settled: unknown
  signup.then((result) => (settled = result))
  await vi.advanceTimersByTimeAsync(0)
  expect(settled).toBeUndefined()
  await vi.advanceTimersByTimeAsync(1)
  await expect(signup).resolves.toMatchObject({ ok: false, status: 0, queued: true, error: 'timeout' })
  expect(readOutbox().map((item) => item.type)).toEqual(['lead'])
  hang = false
  await vi.advanceTimersByTimeAsync(10_000)
  expect(api.leads()).toHaveLength(2)
  expect(new Set(api.leads().map((lead) => lead.body.event_id)).size).toBe(1)
  expect(readOutbox()).toEqual([])
})

it('waits 10 s by default, and takes a timeout that is no positive number for the default', async () => {
  vi.useFakeTimers()
  const api = fakeApi(() => new Promise(() => {}))
  for (const timeout of [undefined, 0, -1, NaN, 'soon']) {
    const { tracker } = start('https://www.shop.test/', api, { timeout: timeout as number })
    let settled: unknown
    tracker.signup('user_' + timeout).then((result) => (settled = result))
    // signup() first waits for clicks in flight: none here, so the lead goes at once.
    await vi.advanceTimersByTimeAsync(9_999)
    expect(settled, String(timeout)).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(settled, String(timeout)).toMatchObject({ ok: false, queued: true, error: 'timeout' })
    clearBrowserState()
  }
})

it.each([
  ['an HTML page from a proxy or a captive portal', undefined],
  ['null', null],
  ['an array', [{ success: true, click_id: 'clk_x' }]],
  ['a string', 'OK'],
])('takes a 200 whose body is %s for a failure, kept and sent again', async (_what, data) => {
  vi.useFakeTimers()
  let portal = true
  const api = fakeApi(() => (portal ? { status: 200, data } : undefined))
  const { tracker } = start('https://www.shop.test/?aff=P1', api, { autoTrack: false })
  await expect(tracker.trackClick()).resolves.toMatchObject({ ok: false, status: 200, queued: true, error: 'no JSON answer' })
  expect(readCookie(CLICK_COOKIE)).toBeUndefined()
  expect(readOutbox()).toHaveLength(1)
  portal = false
  await vi.advanceTimersByTimeAsync(5000)
  expect(tracker.getClickId()).toBe('clk_1')
  expect(readOutbox()).toEqual([])
})

it('never sends the fragment, nor the query parameters that carry secrets, in any URL', async () => {
  setPage('https://www.shop.test/callback?code=OAUTH&state=xyz&aff=P1&utm_source=blog#access_token=SECRET', { referrer: 'https://idp.example/authorize?client_id=app&token=T#frag' })
  const api = fakeApi()
  const tracker = createTracker({ programId: 42, apiBase: 'http://api.test', transport: api.transport })
  await vi.waitFor(() => expect(tracker.getClickId()).toBe('clk_1'))
  await tracker.signup('user_1')
  const [click] = api.clicks()
  expect(click.body.affiliate_url).toBe('https://www.shop.test/callback?aff=P1&utm_source=blog')
  expect(click.body.page_url).toBe('https://www.shop.test/callback?aff=P1&utm_source=blog')
  expect(click.body.referrer_url).toBe('https://idp.example/authorize?client_id=app')
  expect(api.leads()[0].body.page_url).toBe('https://www.shop.test/callback?aff=P1&utm_source=blog')
  expect(JSON.stringify(api.received)).not.toMatch(/OAUTH|SECRET|xyz|#/)
})

it('matches the secret parameters in any case, lets redactParams replace the list, and always keeps the partner code', async () => {
  expect(DEFAULTS.redactParams).toEqual(expect.arrayContaining(['code', 'state', 'token', 'access_token', 'id_token']))
  const { api } = start('https://www.shop.test/?Code=1&TOKEN=2&invite=3&aff=P1&ref=4', fakeApi(), { redactParams: ['invite', 'AFF'] })
  await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
  expect(api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/?Code=1&TOKEN=2&aff=P1&ref=4')
  clearBrowserState()
  const defaults = start('https://www.shop.test/?Code=1&TOKEN=2&invite=3&aff=P1').api
  await vi.waitFor(() => expect(defaults.clicks()).toHaveLength(1))
  expect(defaults.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/?invite=3&aff=P1')
})

it('takes no option from Object.prototype: an `endpoint` or `apiBase` set anywhere in the page goes nowhere', async () => {
  const undo = [pollute('endpoint', 'https://evil.example'), pollute('apiBase', 'https://evil.example'), pollute('param', 'x')]
  try {
    const { api } = start('https://www.shop.test/?aff=P1')
    await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
    await createTracker({ programId: 42, transport: api.transport, autoTrack: false }).signup('user_1')
    expect(api.received.map((event) => event.url)).toEqual(['http://api.test/api/v1/track/click', 'https://api.affitor.com/api/v1/track/lead'])
  } finally {
    undo.forEach((clean) => clean())
  }
})

it('writes its cookies, with only its own attributes, when Object.prototype has an enumerable function or value', async () => {
  const undo = [pollute('polyfill', () => 'x', true), pollute('max-age', '0', true)]
  try {
    const capture = captureCookieWrites()
    const { tracker } = start('https://www.shop.test/?aff=P1')
    await vi.waitFor(() => expect(tracker.getClickId()).toBe('clk_1'))
    capture.stop()
    const click = capture.writes.find((line) => line.startsWith(CLICK_COOKIE + '='))!
    expect(click).toMatch(/^affitor_click_id=clk_1; path=\/; sameSite=Lax; secure; expires=[^;]+; domain=shop\.test$/)
  } finally {
    undo.forEach((clean) => clean())
  }
})

it('reads no data attribute from Object.prototype: a polluted `affitorEndpoint` is no option of the script tag', async () => {
  const code = readFileSync(resolve(__dirname, '../../dist/affitor-tracker.js'), 'utf8')
  const api = fakeApi()
  vi.stubGlobal('fetch', api.fetch)
  const undo = pollute('affitorEndpoint', 'https://evil.example', true)
  try {
    setPage('https://www.shop.test/?aff=P1')
    await asScriptTag({ 'data-affitor-program-id': '7', 'data-affitor-api-base': 'http://api.test' }, () => new Function(code)())
    await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
    expect(api.clicks()[0].url).toBe('http://api.test/api/v1/track/click')
  } finally {
    undo()
  }
})

it.each([
  [1e9, 400],
  [401, 400],
  [0.2, 1],
  [30, 30],
  [0, 60],
  [-5, 60],
  ['soon', 60],
])('keeps the click cookie for cookie_window_days %s as %s days', async (days, expected) => {
  // The clock stands still, so that the expiry is exactly predictable.
  const now = Math.floor(Date.now() / 1000) * 1000
  vi.useFakeTimers({ now, toFake: ['Date'] })
  const clickId = 'clk_' + String(days).replace(/\W/g, '_')
  const api = fakeApi(() => ({ status: 200, data: { success: true, click_id: clickId, cookie_window_days: days } }))
  const capture = captureCookieWrites()
  const { tracker } = start('https://www.shop.test/?aff=P1', api)
  await vi.waitFor(() => expect(tracker.getClickId()).toBe(clickId))
  capture.stop()
  const click = capture.writes.find((line) => line.startsWith(CLICK_COOKIE + '='))!
  expect(click).toContain('expires=' + new Date(now + expected * 864e5).toUTCString())
})

it('starts, and tracks, in a page whose history methods are read-only', async () => {
  const { pushState, replaceState } = history
  for (const [name, method] of Object.entries({ pushState, replaceState })) Object.defineProperty(history, name, { value: method, writable: false, configurable: true })
  try {
    let tracker!: Tracker
    const api = fakeApi()
    setPage('https://www.shop.test/?aff=P1')
    expect(() => (tracker = createTracker({ programId: 42, transport: api.transport, cleanUrl: true }))).not.toThrow()
    await vi.waitFor(() => expect(tracker.getClickId()).toBe('clk_1'))
  } finally {
    delete (history as unknown as Record<string, unknown>).pushState
    delete (history as unknown as Record<string, unknown>).replaceState
  }
})

it('tracks in a page whose `window.__affitor` (where trackers share their reports) is a number, frozen or read-only', async () => {
  for (const [index, define] of [
    () => ((window as any).__affitor = 7),
    () => ((window as any).__affitor = Object.freeze({})),
    () => Object.defineProperty(window, '__affitor', { value: 'taken', writable: false, configurable: true }),
  ].entries()) {
    clearBrowserState()
    define()
    const api = fakeApi()
    setPage(`https://www.shop.test/?aff=P${index + 1}`)
    let tracker!: Tracker
    expect(() => (tracker = createTracker({ programId: 42, transport: api.transport }))).not.toThrow()
    await vi.waitFor(() => expect(tracker.getClickId()).toBe('clk_1'))
    expect((await tracker.signup('user_1')).ok).toBe(true)
    delete (window as { __affitor?: unknown }).__affitor
  }
})

it('reports the click with the fields it could read when `screen` throws and `Intl` is missing', async () => {
  vi.spyOn(window, 'screen', 'get').mockImplementation(() => {
    throw new Error('blocked')
  })
  vi.stubGlobal('Intl', undefined)
  const { tracker, api } = start('https://www.shop.test/?aff=P1')
  await vi.waitFor(() => expect(tracker.getClickId()).toBe('clk_1'))
  const { body } = api.clicks()[0]
  expect(body).not.toHaveProperty('screen_resolution')
  expect(body).not.toHaveProperty('timezone')
  expect(body).toMatchObject({ affiliate_url: 'https://www.shop.test/?aff=P1', viewport_size: expect.any(String) })
})

it("cuts oversized fields to the protocol's caps, so that the event fits a keepalive request and is not refused", async () => {
  const long = 'x'.repeat(20_000)
  setPage(`https://www.shop.test/?aff=P1&q=${long}`, { title: long, referrer: `https://blog.example/?q=${long}` })
  vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(long)
  const api = fakeApi()
  const tracker = createTracker({ programId: 42, transport: api.transport })
  await vi.waitFor(() => expect(tracker.getClickId()).toBe('clk_1'))
  const { body } = api.clicks()[0]
  expect(body.affiliate_url).toHaveLength(8192)
  expect(body.affiliate_url.startsWith('https://www.shop.test/?aff=P1&q=xxx')).toBe(true)
  expect(body.page_url).toHaveLength(8192)
  expect(body.referrer_url).toHaveLength(8192)
  expect(body.page_title).toHaveLength(1024)
  expect(body.user_agent).toHaveLength(1024)
  // keepalive requests may carry 64 KiB in all.
  expect(JSON.stringify(body).length).toBeLessThan(64 * 1024)
})

it('leaves no unhandled rejection from the auto-track or grantConsent() when Object.prototype.then makes every result reject', async () => {
  const rejections: unknown[] = []
  const onRejection = (reason: unknown) => rejections.push(reason)
  process.on('unhandledRejection', onRejection)
  // Only the tracker's results are thenables that reject: the test's own promises stay usable.
  Object.defineProperty(Object.prototype, 'then', {
    configurable: true,
    get(this: object) {
      return 'ok' in this && 'status' in this ? (_: unknown, reject: (error: unknown) => void) => reject(new Error('polluted then')) : undefined
    },
  })
  try {
    start('https://www.shop.test/?aff=P1')
    start('https://www.shop.test/?aff=P2', fakeApi(), { requireConsent: true }).tracker.grantConsent()
    for (let i = 0; i < 5; i++) await new Promise((done) => setTimeout(done, 10))
  } finally {
    delete (Object.prototype as Record<string, unknown>).then
    process.off('unhandledRejection', onRejection)
  }
  expect(rejections).toEqual([])
})

it('says once per page, in the production file too, why an automated landing records no click', async () => {
  const code = readFileSync(resolve(__dirname, '../../dist/affitor-tracker.js'), 'utf8')
  const api = fakeApi()
  vi.stubGlobal('fetch', api.fetch)
  const info = vi.spyOn(console, 'info').mockImplementation(() => {})
  vi.spyOn(navigator, 'webdriver', 'get').mockReturnValue(true)
  setPage('https://www.shop.test/?aff=P1')
  await asScriptTag({ 'data-affitor-program-id': '7' }, () => new Function(code)())
  history.pushState(null, '', '/pricing?aff=P2')
  await new Promise((done) => setTimeout(done, 10))
  expect(api.clicks()).toHaveLength(0)
  expect(info.mock.calls).toEqual([['[affitor] automated browser: no click recorded (data-affitor-track-bots records it)']])
})
