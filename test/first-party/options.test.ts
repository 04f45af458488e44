// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { DEFAULTS, normalizeFirstPartyOptions } from '../../src/first-party/options'

describe('normalizeFirstPartyOptions', () => {
  it('applies the frozen defaults, for options left out or null', () => {
    expect(Object.isFrozen(DEFAULTS)).toBe(true)
    for (const options of [undefined, {}, { apiBase: null, mount: null, param: null, timeout: null, cookieDomain: null, fetch: null } as never]) {
      const opts = normalizeFirstPartyOptions(options)
      expect(opts).toEqual({ apiBase: 'https://api.affitor.com', mount: '/_affitor', param: 'aff', timeout: 10_000, fetch: expect.any(Function) })
    }
  })

  it('removes trailing slashes and a cookie domain’s leading dot', () => {
    const opts = normalizeFirstPartyOptions({ apiBase: 'http://localhost:4700//', mount: '/t//', cookieDomain: ' .Shop.Example ' })
    expect(opts).toMatchObject({ apiBase: 'http://localhost:4700', mount: '/t', cookieDomain: 'shop.example' })
    expect(normalizeFirstPartyOptions({ mount: '/' }).mount).toBe('')
    expect(normalizeFirstPartyOptions({ cookieDomain: ' ' }).cookieDomain).toBeUndefined()
  })

  it('looks the global fetch up at call time', async () => {
    const opts = normalizeFirstPartyOptions()
    const original = globalThis.fetch
    const calls: unknown[] = []
    globalThis.fetch = (async (input: unknown, init: unknown) => (calls.push([input, init]), new Response('{}'))) as typeof fetch
    try {
      await opts.fetch('https://api.test/x', { method: 'POST' })
    } finally {
      globalThis.fetch = original
    }
    expect(calls).toEqual([['https://api.test/x', { method: 'POST' }]])
  })

  it.each([
    [{ apiBase: 'api.affitor.com' }, /apiBase/],
    [{ apiBase: 'ftp://api.affitor.com' }, /apiBase/],
    [{ mount: '_affitor' }, /mount/],
    [{ mount: '/_affitor?x=1' }, /mount/],
    [{ param: '' }, /param/],
    [{ timeout: 0 }, /timeout/],
    [{ timeout: Infinity }, /timeout/],
    [{ timeout: '100' }, /timeout/],
    [{ fetch: 'fetch' }, /fetch/],
    [{ cookieDomain: 'shop.example; Secure' }, /cookieDomain/],
    [{ cookieDomain: 'shop..example' }, /cookieDomain/],
    [{ cookieDomain: 42 }, /cookieDomain/],
  ])('throws a TypeError naming the option for %j', (options, message) => {
    expect(() => normalizeFirstPartyOptions(options as never)).toThrow(TypeError)
    expect(() => normalizeFirstPartyOptions(options as never)).toThrow(message)
    expect(() => normalizeFirstPartyOptions(options as never)).toThrow(/^createFirstPartyHandler\(\): /)
  })

  it('throws a TypeError for options that are not an object', () => {
    expect(() => normalizeFirstPartyOptions('https://api.affitor.com' as never)).toThrow(TypeError)
  })
})
