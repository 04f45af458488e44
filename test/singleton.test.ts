import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { fakeApi } from './helpers/fake-api'
import { clearBrowserState, setPage } from './helpers/page'

type Singleton = typeof import('../src/singleton')
let api: ReturnType<typeof fakeApi>
let singleton: Singleton

beforeEach(async () => {
  vi.resetModules()
  singleton = await import('../src/singleton')
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
