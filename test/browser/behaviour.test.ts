/**
 * One behaviour suite, run against the sources and against every built file a user loads:
 * the npm ESM and CJS builds and the CDN IIFE. The network is a fake `fetch`, so each build
 * goes through its own default transport.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Tracker } from '../../src/browser/tracker'
import { asScriptTag, resetGlobals } from '../helpers/cdn'
import { fakeApi } from '../helpers/fake-api'
import { captureCookieWrites, clearBrowserState, nextTask, setPage } from '../helpers/page'

const require = createRequire(import.meta.url)
const API = 'http://localhost:4700'

/** Lands on `url` and returns the tracker the build gives a page there. */
type Start = (url: string) => Promise<Tracker>

const npm = (load: () => Promise<typeof import('../../src/index')>): Start => async (url) => {
  await nextTask()
  setPage(url)
  return (await load()).createTracker({ programId: 77, apiBase: API })
}

const cdnFile = (): Start => {
  const code = readFileSync(resolve(__dirname, '../../dist/affitor-tracker.js'), 'utf8')
  return async (url) => {
    await nextTask()
    setPage(url)
    resetGlobals()
    await asScriptTag({ 'data-affitor-program-id': '77', 'data-affitor-api-base': API }, () => new Function(code)())
    return (window as unknown as { affitor: Tracker }).affitor
  }
}

const builds: Array<[string, Start]> = [
  ['source', npm(() => import('../../src/index'))],
  ['npm ESM dist/index.js', npm(() => import('../../dist/index.js' as string))],
  ['npm CJS dist/index.cjs', npm(async () => require('../../dist/index.cjs'))],
  ['CDN IIFE dist/affitor-tracker.js', cdnFile()],
]

describe.each(builds)('%s', (_name, start) => {
  let api: ReturnType<typeof fakeApi>
  beforeEach(() => {
    api = fakeApi()
    vi.stubGlobal('fetch', api.fetch)
  })
  afterEach(() => {
    resetGlobals()
    clearBrowserState()
  })

  it('reports a landing through a partner link and stores the click on the site domain', async () => {
    const capture = captureCookieWrites()
    const tracker = await start('https://www.shop.test/pricing?aff=P1')
    await tracker.trackClick()
    capture.stop()
    expect(api.clicks()).toHaveLength(1)
    const { url, body } = api.clicks()[0]
    expect(url).toBe(`${API}/api/v1/track/click`)
    expect(Object.keys(body).sort()).toEqual(
      ['additional_data', 'affiliate_url', 'event_id', 'language', 'page_title', 'page_url', 'referrer_url', 'screen_resolution',
        'session_id', 'timezone', 'user_agent', 'viewport_size'],
    )
    expect(body.affiliate_url).toBe('https://www.shop.test/pricing?aff=P1')
    expect(capture.writes.find((line) => line.startsWith('affitor_click_id=clk_1'))).toMatch(/; domain=shop\.test/)
    expect(tracker.getClickId()).toBe('clk_1')
    expect(tracker.getData()).toEqual({ clickId: 'clk_1', partnerCode: 'P1', programId: '77', hasAttribution: true })
  })

  it('sends nothing on a page without a partner code', async () => {
    const tracker = await start('https://www.shop.test/')
    await tracker.trackClick()
    expect(api.received).toHaveLength(0)
    expect(tracker.getData().hasAttribution).toBe(false)
  })

  it('lets the last partner win and ignores the same partner again', async () => {
    await (await start('https://www.shop.test/?aff=P1')).trackClick()
    await (await start('https://www.shop.test/?aff=P1')).trackClick()
    expect(api.clicks()).toHaveLength(1)
    const tracker = await start('https://www.shop.test/blog?aff=P2')
    await tracker.trackClick()
    expect(api.clicks()).toHaveLength(2)
    expect(api.clicks()[1].body.existing_click_id).toBe('clk_1')
    expect(tracker.getData()).toMatchObject({ clickId: 'clk_2', partnerCode: 'P2' })
  })

  it('ties a signup on another subdomain to the click, once', async () => {
    await (await start('https://www.shop.test/?aff=P1')).trackClick()
    const app = await start('https://app.shop.test/signup')
    expect(app.getClickId()).toBe('clk_1')
    await expect(app.signup('user_1', 'a@b.co')).resolves.toMatchObject({ ok: true, status: 200 })
    await expect(app.signup('user_1', 'a@b.co')).resolves.toMatchObject({ ok: true, skipped: 'already-sent' })
    expect(api.leads()).toHaveLength(1)
    expect(api.leads()[0].body).toMatchObject({ customer_key: 'user_1', email: 'a@b.co', click_id: 'clk_1', program_id: '77' })
  })

  it('refuses a bad signup without a request', async () => {
    const tracker = await start('https://www.shop.test/')
    await expect(tracker.signup('', 'a@b.co')).resolves.toMatchObject({ ok: false, error: expect.stringMatching(/customerKey/) })
    await expect(tracker.signup('user_1', 'nope')).resolves.toMatchObject({ ok: false, error: 'invalid email' })
    expect(api.received).toHaveLength(0)
  })

  it('resolves with the failure when the endpoint is down', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    const tracker = await start('https://www.shop.test/?aff=P1')
    await expect(tracker.trackClick()).resolves.toMatchObject({ ok: false, status: 0, error: 'TypeError: Failed to fetch' })
    await expect(tracker.signup('user_1')).resolves.toMatchObject({ ok: false, status: 0 })
    expect(tracker.getClickId()).toBeNull()
  })
})
