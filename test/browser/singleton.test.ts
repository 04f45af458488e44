import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { fakeApi } from '../helpers/fake-api'
import { clearBrowserState, setPage } from '../helpers/page'

type Singleton = typeof import('../../src/browser/singleton')
let api: ReturnType<typeof fakeApi>
let singleton: Singleton

beforeEach(async () => {
  vi.resetModules()
  singleton = await import('../../src/browser/singleton')
  api = fakeApi()
})
afterEach(clearBrowserState)

it('answers before init() without throwing or sending', async () => {
  setPage('https://www.shop.test/')
  document.cookie = 'affitor_click_id=clk_9; path=/'
  await expect(singleton.signup('user_1')).resolves.toMatchObject({ ok: false, error: expect.stringContaining('init(') })
  await expect(singleton.trackClick()).resolves.toMatchObject({ ok: false, error: expect.stringContaining('init(') })
  expect(singleton.getClickId()).toBe('clk_9')
  expect(singleton.getData()).toEqual({ clickId: 'clk_9', partnerCode: null, programId: null, hasAttribution: true })
})

it('init() creates one shared tracker that the named functions use', async () => {
  setPage('https://www.shop.test/?aff=P1')
  const tracker = singleton.init({ programId: 5, transport: api.transport })
  expect(singleton.init({ programId: 6 })).toBe(tracker)
  await singleton.trackClick()
  expect(singleton.getClickId()).toBe('clk_1')
  expect(singleton.getData()).toEqual({ clickId: 'clk_1', partnerCode: 'P1', programId: '5', hasAttribution: true })
  await expect(singleton.signup('user_1', 'a@b.co')).resolves.toMatchObject({ ok: true })
  expect(api.leads()[0].body).toMatchObject({ customer_key: 'user_1', click_id: 'clk_1', program_id: '5' })
  expect(api.clicks()).toHaveLength(1)
})

it('init() without programId throws a TypeError and leaves no tracker behind', () => {
  setPage('https://www.shop.test/')
  expect(() => singleton.init({} as never)).toThrow(TypeError)
  expect(singleton.getData().programId).toBeNull()
})

it('keeps a consent choice made before init() and applies it as the tracker starts', async () => {
  setPage('https://www.shop.test/?aff=P1')
  singleton.grantConsent()
  expect(api.received).toHaveLength(0)
  singleton.init({ programId: 5, transport: api.transport, requireConsent: true })
  await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
  expect(document.cookie).toContain('affitor_consent=1')
})

it('keeps a refusal made before init(): nothing is sent, not even what an earlier page left queued', async () => {
  setPage('https://www.shop.test/?aff=P1')
  const queued = { id: 'e1', type: 'click', body: { affiliate_url: 'https://www.shop.test/?aff=P2', event_id: 'e1' }, at: Date.now(), tries: 1 }
  localStorage.setItem('affitor_outbox', JSON.stringify([queued]))
  singleton.revokeConsent()
  singleton.init({ programId: 5, transport: api.transport })
  await expect(singleton.trackClick()).resolves.toMatchObject({ skipped: 'no-consent' })
  expect(api.received).toHaveLength(0)
  expect(localStorage.getItem('affitor_outbox')).toBeNull()
  singleton.grantConsent()
  await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
})
