/**
 * Storage is touched only when it pays: `document.cookie` read once per task, no cookie written
 * on a plain page view, `localStorage` opened only when an event needs keeping or waits there.
 * Counted through instrumented accessors (the e2e counts the same in Chromium).
 */
import { afterEach, expect, it, vi } from 'vitest'
import { readCookie, writeCookie } from '../../src/browser/cookie-storage'
import { OUTBOX_KEY, readOutbox, writeOutbox, type Queued } from '../../src/browser/outbox'
import { createTracker } from '../../src/browser/tracker'
import { fakeApi } from '../helpers/fake-api'
import { clearBrowserState, nextTask, setPage } from '../helpers/page'

afterEach(() => {
  vi.useRealTimers()
  counts.stop()
  clearBrowserState()
})

let counts = { cookieReads: 0, cookieWrites: 0, storage: 0, stop() {} }

/** Counts `document.cookie` reads and writes and every `localStorage` access from now on. */
function count() {
  let proto = Object.getPrototypeOf(document)
  while (!Object.getOwnPropertyDescriptor(proto, 'cookie')) proto = Object.getPrototypeOf(proto)
  const cookie = Object.getOwnPropertyDescriptor(proto, 'cookie')!
  const storage = localStorage
  const c = {
    cookieReads: 0,
    cookieWrites: 0,
    storage: 0,
    stop() {
      delete (document as unknown as Record<string, unknown>).cookie
      Object.defineProperty(window, 'localStorage', { configurable: true, value: storage })
    },
  }
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get: () => (c.cookieReads++, cookie.get!.call(document)),
    set: (value: string) => (c.cookieWrites++, cookie.set!.call(document, value)),
  })
  Object.defineProperty(window, 'localStorage', { configurable: true, get: () => (c.storage++, storage) })
  return (counts = c)
}

const event = (id: string): Queued => ({ id, type: 'lead', body: { customer_key: id }, at: Date.now(), tries: 1 })

it('reads document.cookie once per task, serving later reads and its own writes from that', async () => {
  setPage('https://www.shop.test/')
  document.cookie = 'a=1; path=/'
  await nextTask()
  const c = count()
  expect([readCookie('a'), readCookie('b'), readCookie('a')]).toEqual(['1', undefined, '1'])
  writeCookie('b', '2', 1)
  expect(readCookie('b')).toBe('2')
  writeCookie('a', '', -1)
  expect(readCookie('a')).toBeUndefined()
  expect(c.cookieReads).toBe(1)
  // Another task: another tab or the server may have changed them.
  document.cookie = 'c=3; path=/'
  await nextTask()
  expect(readCookie('c')).toBe('3')
  expect(c.cookieReads).toBe(2)
})

it('opens no localStorage while the cookie that says something waits is missing', () => {
  setPage('https://www.shop.test/')
  localStorage[OUTBOX_KEY] = JSON.stringify([event('e1')])
  const c = count()
  expect(readOutbox()).toEqual([])
  expect(c.storage).toBe(0)
})

it('sets that cookie, host-only, with the first event kept, and deletes it with the last', async () => {
  setPage('https://www.shop.test/')
  writeOutbox([event('e1')])
  await nextTask()
  expect(document.cookie).toContain(OUTBOX_KEY + '=1')
  expect(readOutbox().map((item) => item.id)).toEqual(['e1'])
  writeOutbox([])
  await nextTask()
  expect(document.cookie).not.toContain(OUTBOX_KEY)
  expect(localStorage[OUTBOX_KEY]).toBeUndefined()
})

it('on a plain page view: one cookie read, no cookie written, no localStorage', async () => {
  setPage('https://www.shop.test/pricing')
  await nextTask()
  const c = count()
  const api = fakeApi()
  const tracker = createTracker({ programId: 1, transport: api.transport })
  await tracker.trackClick()
  tracker.getClickId()
  expect(api.received).toHaveLength(0)
  expect(c).toMatchObject({ cookieReads: 1, cookieWrites: 0, storage: 0 })
})

it('on a landing answered in the page: at most 3 cookie reads and no localStorage', async () => {
  setPage('https://www.shop.test/?aff=P1')
  await nextTask()
  const c = count()
  const api = fakeApi()
  const tracker = createTracker({ programId: 1, transport: api.transport })
  // Waited for without reading cookies, which would count.
  await vi.waitFor(() => expect(api.clicks()).toHaveLength(1))
  await nextTask()
  expect(c.cookieReads).toBeLessThanOrEqual(3)
  expect(c.cookieWrites).toBeGreaterThan(0)
  expect(c.storage).toBe(0)
  expect(tracker.getClickId()).toBe('clk_1')
})

it('keeps an event in localStorage when its delivery failed, and forgets it, cookie and all, once delivered', async () => {
  vi.useFakeTimers()
  let down = true
  const api = fakeApi(() => (down ? { status: 503, data: { error: 'busy' } } : undefined))
  setPage('https://www.shop.test/')
  const tracker = createTracker({ programId: 1, transport: api.transport })
  await expect(tracker.signup('user_1')).resolves.toMatchObject({ ok: false, queued: true })
  expect(readOutbox().map((item) => item.type)).toEqual(['lead'])
  expect(readCookie(OUTBOX_KEY)).toBe('1')
  down = false
  await vi.advanceTimersByTimeAsync(5000)
  expect(api.leads()).toHaveLength(2)
  expect(localStorage[OUTBOX_KEY]).toBeUndefined()
  await vi.advanceTimersByTimeAsync(0)
  expect(document.cookie).not.toContain(OUTBOX_KEY)
})

it.each(['pagehide', 'visibilitychange'])('keeps an event on its way in localStorage on %s, and takes it out once answered', async (type) => {
  let answer!: () => void
  const api = fakeApi(() => new Promise((resolve) => (answer = () => resolve(undefined))))
  setPage('https://www.shop.test/')
  const tracker = createTracker({ programId: 1, transport: api.transport })
  const signup = tracker.signup('user_1')
  await vi.waitFor(() => expect(answer).toBeDefined())
  expect(localStorage[OUTBOX_KEY]).toBeUndefined()
  ;(type == 'pagehide' ? window : document).dispatchEvent(new Event(type))
  expect(readOutbox().map((item) => item.type)).toEqual(['lead'])
  answer()
  await expect(signup).resolves.toMatchObject({ ok: true })
  expect(readOutbox()).toEqual([])
  expect(localStorage[OUTBOX_KEY]).toBeUndefined()
})
