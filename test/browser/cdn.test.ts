import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { writeOutbox } from '../../src/browser/outbox'
import { asScriptTag, resetGlobals } from '../helpers/cdn'
import { fakeApi } from '../helpers/fake-api'
import { clearBrowserState, nextTask, setPage } from '../helpers/page'

type Global = ((method: string, ...args: unknown[]) => unknown) & Record<string, any>
const w = window as unknown as { affitor?: Global; affitorQueue?: any }
let api: ReturnType<typeof fakeApi>

beforeEach(() => {
  vi.resetModules()
  resetGlobals()
  api = fakeApi()
  vi.stubGlobal('fetch', api.fetch)
})
afterEach(clearBrowserState)

const load = (attributes: Record<string, string>) => asScriptTag(attributes, () => import('../../src/browser/cdn'))
const attrs = { 'data-affitor-program-id': '123', 'data-affitor-api-base': 'http://localhost:4700' }

it('starts tracking from the data attributes and installs window.affitor', async () => {
  setPage('https://www.shop.test/?aff=P1')
  await load(attrs)
  await w.affitor!.trackClick()
  expect(api.clicks()).toHaveLength(1)
  expect(api.clicks()[0].url).toBe('http://localhost:4700/api/v1/track/click')
  expect(api.clicks()[0].body.additional_data).toEqual({ program_id: '123' })
  expect(w.affitor!.getClickId()).toBe('clk_1')
  expect(w.affitor!.getData()).toMatchObject({ partnerCode: 'P1', programId: '123' })
  expect(typeof w.affitor!.signup).toBe('function')
})

it('replays calls made through the stub before the script loaded', async () => {
  setPage('https://www.shop.test/?aff=P1')
  // The README's stub.
  const stub: any = (w.affitor = function (...args: unknown[]) {
    ;(stub.q = stub.q || []).push(args)
  } as Global)
  w.affitor!('signup', 'user_1', 'a@b.co')
  await load(attrs)
  await vi.waitFor(() => expect(api.leads()).toHaveLength(1))
  expect(api.leads()[0].body).toMatchObject({ customer_key: 'user_1', email: 'a@b.co', click_id: 'clk_1' })
  // Still callable the same way after load.
  await w.affitor!('signup', 'user_2')
  expect(api.leads()).toHaveLength(2)
})

it('replays and then serves window.affitorQueue, the form existing integrations use', async () => {
  setPage('https://www.shop.test/?aff=P1')
  w.affitorQueue = [['signup', 'user_1', 'a@b.co']]
  await load(attrs)
  await vi.waitFor(() => expect(api.leads()).toHaveLength(1))
  w.affitorQueue.push(['signup', 'user_2'])
  await vi.waitFor(() => expect(api.leads()).toHaveLength(2))
  expect(api.leads().map((lead) => lead.body.customer_key)).toEqual(['user_1', 'user_2'])
})

it('honours data-affitor-cookie-domain and data-affitor-param', async () => {
  setPage('https://www.shop.test/?ref=P7')
  await load({ ...attrs, 'data-affitor-cookie-domain': 'www.shop.test', 'data-affitor-param': 'ref' })
  await w.affitor!.trackClick()
  expect(w.affitor!.getData().partnerCode).toBe('P7')
  // Another origin, with its own (empty) localStorage.
  localStorage.clear()
  setPage('https://app.shop.test/')
  await nextTask()
  expect(w.affitor!.getClickId()).toBeNull()
})

it('takes a comma-separated list in data-affitor-param, and sends the code as aff=', async () => {
  setPage('https://www.shop.test/?via=P8')
  await load({ ...attrs, 'data-affitor-param': 'aff, ref,via' })
  await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
  expect(api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/?via=P8&aff=P8')
  expect(w.affitor!.getData().partnerCode).toBe('P8')
})

it('sends to a first-party endpoint with data-affitor-endpoint', async () => {
  setPage('https://www.shop.test/?aff=P1')
  await load({ 'data-affitor-program-id': '123', 'data-affitor-endpoint': '/_affitor' })
  await w.affitor!.trackClick()
  expect(api.received.map((event) => event.url)).toEqual(['/_affitor/api/v1/track/click'])
})

for (const trackBots of [false, true]) {
  it(`reports a bot's landing ${trackBots ? 'with' : 'only with'} data-affitor-track-bots`, async () => {
    Object.defineProperty(navigator, 'webdriver', { value: true, configurable: true })
    try {
      setPage('https://www.shop.test/?aff=P1')
      await load(trackBots ? { ...attrs, 'data-affitor-track-bots': 'true' } : attrs)
      // The landing is reported on load (a second call joins it), or skipped.
      await expect(w.affitor!.trackClick()).resolves.toMatchObject(trackBots ? { ok: true, status: 200 } : { skipped: 'bot' })
      expect(api.clicks()).toHaveLength(trackBots ? 1 : 0)
    } finally {
      delete (navigator as unknown as Record<string, unknown>).webdriver
    }
  })
}

it('defaults the API base to the hosted service', async () => {
  setPage('https://www.shop.test/?aff=P1')
  await load({ 'data-affitor-program-id': '123' })
  await w.affitor!.trackClick()
  expect(api.clicks()[0].url).toBe('https://api.affitor.com/api/v1/track/click')
})

it('logs an error and installs nothing without a program id', async () => {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  setPage('https://www.shop.test/?aff=P1')
  await load({ 'data-affitor-api-base': 'http://localhost:4700' })
  expect(error).toHaveBeenCalledWith('[affitor]', new TypeError('createTracker(): programId is required'))
  expect(w.affitor).toBeUndefined()
  expect(api.received).toHaveLength(0)
})

it('keeps the first copy when the script is included twice', async () => {
  setPage('https://www.shop.test/?aff=P1')
  await load(attrs)
  const first = w.affitor
  vi.resetModules()
  await load({ ...attrs, 'data-affitor-program-id': '999' })
  expect(w.affitor).toBe(first)
  await first!.trackClick()
  expect(api.clicks()).toHaveLength(1)
})

it('never throws into the page for unknown methods or malformed queue entries', async () => {
  setPage('https://www.shop.test/')
  vi.spyOn(console, 'error').mockImplementation(() => {})
  w.affitorQueue = [['nope'], null, 42, 'signup', [{}]]
  await load(attrs)
  expect(() => w.affitor!('nope')).not.toThrow()
  expect(() => w.affitorQueue.push(null)).not.toThrow()
  expect(() => w.affitorQueue.push(['signup', 42])).not.toThrow()
  expect(api.received).toHaveLength(0)
})

it('turns debug logging on with data-affitor-debug', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  setPage('https://www.shop.test/?aff=P1')
  // "true" rather than the empty attribute: happy-dom leaves attributes without a value out of
  // `dataset` enumeration (browsers do not; the e2e covers the empty form in Chromium).
  await load({ ...attrs, 'data-affitor-debug': 'true' })
  await w.affitor!.trackClick()
  expect(log).toHaveBeenCalledWith('[affitor]', 'partner code', 'P1', 'reporting')
})

it('starts despite a malformed stub queue, and survives inherited names as methods', async () => {
  setPage('https://www.shop.test/?aff=P1')
  const stub: any = (w.affitor = function () {} as unknown as Global)
  stub.q = { length: 'many' }
  await load(attrs)
  expect(typeof w.affitor!.signup).toBe('function')
  for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'nope']) expect(() => w.affitor!(name)).not.toThrow()
  w.affitorQueue.push(['constructor'])
  w.affitorQueue.push(['__proto__'])
  expect(typeof w.affitor!.trackClick).toBe('function')
  await w.affitor!.trackClick()
  expect(api.clicks()).toHaveLength(1)
})

it('waits for consent with data-affitor-require-consent, and takes it through the queue', async () => {
  setPage('https://www.shop.test/?aff=P1')
  w.affitorQueue = [['signup', 'user_1']]
  await load({ ...attrs, 'data-affitor-require-consent': 'true' })
  await new Promise((resolve) => setTimeout(resolve, 10))
  expect(api.received).toHaveLength(0)
  expect(document.cookie).toBe('')
  w.affitorQueue.push(['grantConsent'])
  await vi.waitFor(() => expect(api.leads()).toHaveLength(1))
  expect(api.clicks()).toHaveLength(1)
  expect(api.leads()[0].body.click_id).toBe('clk_1')
})

it('maps every data-affitor-* attribute to its option, flags included', async () => {
  const { scriptOptions } = await import('../../src/browser/cdn')
  const script = document.createElement('script')
  for (const [name, value] of Object.entries({
    'data-affitor-program-id': '7',
    'data-affitor-api-base': '/',
    'data-affitor-honor-gpc': 'true',
    'data-affitor-honor-dnt': 'x',
    'data-affitor-auto-track': 'false',
    'data-affitor-transport': 'evil',
    'data-affitorial': 'ignored',
    'data-other': 'ignored',
  })) script.setAttribute(name, value)
  // A flag is on when present and not "false": its text is kept, and any text is truthy.
  expect(scriptOptions(script.dataset)).toEqual({ programId: '7', apiBase: '/', honorGpc: 'true', honorDnt: 'x', autoTrack: false })
})

// Built without debug (the sources always run with it): a page view with nothing to do builds no tracker.
describe('a plain page view, in the built dist/affitor-tracker.js', () => {
  const code = readFileSync(resolve(__dirname, '../../dist/affitor-tracker.js'), 'utf8')
  const load = (attributes: Record<string, string>) => asScriptTag(attributes, () => new Function(code)())
  // The tracker's own listeners: registered once it is built, never on a page with nothing to do.
  const built = (add: { mock: { calls: unknown[][] } }) => add.mock.calls.some(([type]) => type == 'pagehide')

  it('builds no tracker, yet every method works when called', async () => {
    setPage('https://www.shop.test/pricing')
    document.cookie = 'affitor_click_id=clk_old; path=/'
    await nextTask()
    const add = vi.spyOn(window, 'addEventListener')
    await load(attrs)
    expect(built(add)).toBe(false)
    expect(typeof w.affitor!.trackClick).toBe('function')
    expect(w.affitor!.getClickId()).toBe('clk_old')
    expect(built(add)).toBe(true)
    await w.affitor!.signup('user_1')
    expect(api.leads()[0].body).toMatchObject({ customer_key: 'user_1', click_id: 'clk_old' })
    expect(api.clicks()).toHaveLength(0)
  })

  it('builds the tracker for a client-side navigation to a partner link, which is reported', async () => {
    setPage('https://www.shop.test/')
    const add = vi.spyOn(window, 'addEventListener')
    await load(attrs)
    history.pushState(null, '', '/docs')
    expect(built(add)).toBe(false)
    history.pushState(null, '', '/pricing?aff=P2')
    await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
    expect(api.clicks()[0].body.affiliate_url).toBe('https://www.shop.test/pricing?aff=P2')
    // Later navigations are the tracker's own: one more landing, one more click.
    history.pushState(null, '', '/?aff=P3')
    await vi.waitFor(() => expect(api.clicks()).toHaveLength(2))
  })

  it('builds the tracker for calls queued before load', async () => {
    setPage('https://www.shop.test/')
    w.affitorQueue = [['signup', 'user_1']]
    await load(attrs)
    await vi.waitFor(() => expect(api.leads()).toHaveLength(1))
  })

  it('builds the tracker to deliver what waits in the outbox', async () => {
    setPage('https://www.shop.test/')
    const body = { customer_key: 'user_1', event_id: 'e1', program_id: '123' }
    writeOutbox([{ id: 'e1', type: 'lead', body, at: Date.now(), tries: 1, next: 0 }])
    await nextTask()
    await load(attrs)
    await vi.waitFor(() => expect(api.leads()).toHaveLength(1))
    expect(api.leads()[0].body).toMatchObject({ customer_key: 'user_1', event_id: 'e1' })
  })
})
