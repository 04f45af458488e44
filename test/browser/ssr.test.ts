// @vitest-environment node
import { createRequire } from 'node:module'
import { describe, expect, it, vi } from 'vitest'

type Api = typeof import('../../src/index')
const require = createRequire(import.meta.url)

const builds: Array<[string, () => Promise<Api>]> = [
  ['source', () => import('../../src/index')],
  ['built ESM (dist/index.js)', () => import('../../dist/index.js' as string)],
  ['built CJS (dist/index.cjs)', async () => require('../../dist/index.cjs')],
]

describe.each(builds)('without a DOM: %s', (_name, load) => {
  it('runs in Node with no window or document', () => {
    expect(typeof window).toBe('undefined')
    expect(typeof document).toBe('undefined')
  })

  it('makes every export a harmless no-op', async () => {
    const api = await load()
    const noDom = { ok: true, status: 0, skipped: 'no-dom' }
    const empty = { clickId: null, partnerCode: null, programId: null, hasAttribution: false }

    // Before init.
    expect(api.getClickId()).toBeNull()
    expect(api.getData()).toEqual(empty)
    await expect(api.signup('user_1', 'a@b.co')).resolves.toMatchObject({ ok: false })
    await expect(api.trackClick()).resolves.toMatchObject({ ok: false })

    const tracker = api.createTracker({ programId: 1 })
    await expect(tracker.trackClick()).resolves.toEqual(noDom)
    await expect(tracker.signup('user_1', 'a@b.co')).resolves.toEqual(noDom)
    expect(tracker.getClickId()).toBeNull()
    expect(tracker.getData()).toEqual({ ...empty, programId: '1' })
    expect(tracker.grantConsent()).toBeUndefined()
    expect(tracker.revokeConsent()).toBeUndefined()
    expect(api.grantConsent()).toBeUndefined()
    expect(api.revokeConsent()).toBeUndefined()

    const shared = api.init({ programId: 2 })
    expect(api.init({ programId: 3 })).toBe(shared)
    await expect(api.signup('user_1')).resolves.toEqual(noDom)
    await expect(api.trackClick()).resolves.toEqual(noDom)
    expect(api.getClickId()).toBeNull()
    expect(api.getData()).toEqual({ ...empty, programId: '2' })

    expect(api.DEFAULTS.apiBase).toBe('https://api.affitor.com')
    expect(api.CLICK_COOKIE).toBe('affitor_click_id')
    expect(typeof api.fetchTransport.send).toBe('function')
    expect(api.onNavigation(() => {})).toBeUndefined()
    await expect(api.loadAffitor(59)).resolves.toBeNull()
  })

  it('still throws a TypeError for a missing programId', async () => {
    const api = await load()
    expect(() => api.createTracker({} as never)).toThrow(new TypeError('createTracker(): programId is required'))
  })
})

describe('the CDN entries without a DOM', () => {
  it('do nothing, and log nothing, when a server-side bundle imports them', async () => {
    const error = vi.spyOn(console, 'error')
    await expect(import('../../src/browser/cdn')).resolves.toBeDefined()
    await expect(import('../../src/browser/cdn-links')).resolves.toBeDefined()
    expect(error).not.toHaveBeenCalled()
  })
})

it.each([
  ['source', () => import('../../src/browser/links')],
  ['built ESM (dist/links.js)', () => import('../../dist/links.js' as string)],
  ['built CJS (dist/links.cjs)', async () => require('../../dist/links.cjs')],
])('followLinks() does nothing without a DOM: %s', async (_name, load) => {
  const { followLinks } = await load()
  const stop = followLinks({ programId: 1, linkDomains: 'shop.app', stripe: true })
  expect(stop()).toBeUndefined()
})
