import { afterEach, describe, expect, it, vi } from 'vitest'
import { onNavigation, removeParam } from '../../src/browser/navigation'
import { clearBrowserState, setPage } from '../helpers/page'

afterEach(() => clearBrowserState())

describe('onNavigation', () => {
  it('calls the listener after pushState, replaceState and popstate, with the new URL in place', () => {
    setPage('https://www.shop.test/')
    const seen: string[] = []
    onNavigation(() => seen.push(location.pathname + location.search))
    history.pushState({ page: 1 }, '', '/pricing?aff=P1')
    history.replaceState(null, '', '/pricing?aff=P2')
    dispatchEvent(new PopStateEvent('popstate'))
    expect(seen).toEqual(['/pricing?aff=P1', '/pricing?aff=P2', '/pricing?aff=P2'])
  })

  it('keeps what the router asked for: the state, the title argument, the URL', () => {
    setPage('https://www.shop.test/')
    onNavigation(() => {})
    history.pushState({ key: 'k1' }, 'unused', '/app#top')
    expect(history.state).toEqual({ key: 'k1' })
    expect(location.href).toBe('https://www.shop.test/app#top')
  })

  it("lets a refused URL throw to the router as before, and calls nothing", () => {
    setPage('https://www.shop.test/')
    const listener = vi.fn()
    onNavigation(listener)
    expect(() => history.pushState(null, '', 'https://elsewhere.test/?aff=P1')).toThrow()
    expect(listener).not.toHaveBeenCalled()
    expect(location.href).toBe('https://www.shop.test/')
  })
})

describe('removeParam', () => {
  it('removes only that parameter, keeping the others, the hash and the state', () => {
    setPage('https://www.shop.test/pricing?utm_source=blog&aff=P1&plan=pro#faq')
    history.replaceState({ key: 'k1' }, '')
    removeParam(location.href, ['aff'])
    expect(location.href).toBe('https://www.shop.test/pricing?utm_source=blog&plan=pro#faq')
    expect(history.state).toEqual({ key: 'k1' })
  })

  it('keeps the other parameters exactly as written, and removes every copy of the parameter', () => {
    setPage('https://www.shop.test/search?q=hello%20world&aff=P1&flag&next=/a/b&tags[]=x&q2=a+b&aff=P2#h')
    removeParam(location.href, ['aff'])
    expect(location.href).toBe('https://www.shop.test/search?q=hello%20world&flag&next=/a/b&tags[]=x&q2=a+b#h')
  })

  it('removes every name of the list, and only those', () => {
    setPage('https://www.shop.test/?ref=P1&via=P2&aff=P3&refer=x')
    removeParam(location.href, ['aff', 'ref', 'via'])
    expect(location.href).toBe('https://www.shop.test/?refer=x')
  })

  it('leaves no bare "?" when the parameter was the only one', () => {
    setPage('https://www.shop.test/?aff=P1')
    removeParam(location.href, ['aff'])
    expect(location.href).toBe('https://www.shop.test/')
  })

  it('does nothing, and throws nothing, where the page may not change its URL', () => {
    setPage('https://www.shop.test/?aff=P1')
    vi.spyOn(history, 'replaceState').mockImplementation(() => {
      throw new DOMException('refused', 'SecurityError')
    })
    expect(() => removeParam(location.href, ['aff'])).not.toThrow()
    vi.restoreAllMocks()
    expect(location.href).toBe('https://www.shop.test/?aff=P1')
  })
})
