import { afterEach, describe, expect, it, vi } from 'vitest'
import { CLICK_COOKIE, createCookieStorage, detectCookieDomain, readCookie } from '../../src/browser/cookie-storage'
import { blockCookies, captureCookieWrites, clearBrowserState, clearCookiesOnly, setPage } from '../helpers/page'

afterEach(() => {
  vi.useRealTimers()
  clearBrowserState()
})

describe('detectCookieDomain', () => {
  it('picks the registrable domain, so www. and app. share the cookie', () => {
    setPage('http://www.shop.test/')
    expect(detectCookieDomain('www.shop.test')).toBe('shop.test')
    setPage('http://a.b.shop.test/')
    expect(detectCookieDomain('a.b.shop.test')).toBe('shop.test')
  })

  it('uses the host itself when it is the registrable domain', () => {
    setPage('http://shop.test/')
    expect(detectCookieDomain('shop.test')).toBe('shop.test')
  })

  it('probes nothing on localhost or an IP address: host-only cookies', () => {
    setPage('http://localhost:3000/')
    const capture = captureCookieWrites()
    expect(detectCookieDomain('localhost')).toBeUndefined()
    setPage('http://127.0.0.1:3000/')
    expect(detectCookieDomain('127.0.0.1')).toBeUndefined()
    capture.stop()
    expect(capture.writes).toEqual([])
  })

  it('leaves no probe cookie behind', () => {
    setPage('http://www.shop.test/')
    detectCookieDomain('www.shop.test')
    expect(document.cookie).toBe('')
  })
})

describe('createCookieStorage', () => {
  it('writes path=/, SameSite=Lax and the broadest domain, readable from a sibling subdomain', () => {
    setPage('http://www.shop.test/')
    const capture = captureCookieWrites()
    createCookieStorage().set(CLICK_COOKIE, 'clk_1', 60)
    capture.stop()
    const write = capture.writes.find((line) => line.startsWith(CLICK_COOKIE))!
    expect(write).toMatch(/; path=\//)
    expect(write).toMatch(/; sameSite=Lax/i)
    expect(write).toMatch(/; domain=shop\.test/)
    expect(write).not.toMatch(/; secure/i)
    setPage('http://app.shop.test/')
    expect(readCookie(CLICK_COOKIE)).toBe('clk_1')
  })

  it('adds Secure on https', () => {
    setPage('https://www.shop.test/')
    const capture = captureCookieWrites()
    createCookieStorage().set(CLICK_COOKIE, 'clk_1', 60)
    capture.stop()
    expect(capture.writes.find((line) => line.startsWith(CLICK_COOKIE))).toMatch(/; secure/i)
  })

  it('sets expiry `days` out, and a session cookie without days', () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] })
    setPage('http://www.shop.test/')
    const capture = captureCookieWrites()
    const cookies = createCookieStorage()
    cookies.set(CLICK_COOKIE, 'clk_1', 60)
    cookies.set('affitor_session_id', 's1')
    capture.stop()
    const click = capture.writes.find((line) => line.startsWith(CLICK_COOKIE))!
    expect(click).toContain('; expires=' + new Date('2026-03-02T00:00:00Z').toUTCString())
    expect(capture.writes.find((line) => line.startsWith('affitor_session_id'))).not.toMatch(/expires/)
  })

  it('is host-only on localhost', () => {
    setPage('http://localhost:3000/')
    const capture = captureCookieWrites()
    const cookies = createCookieStorage()
    cookies.set(CLICK_COOKIE, 'clk_1', 60)
    capture.stop()
    expect(cookies.domain).toBeUndefined()
    expect(capture.writes.find((line) => line.startsWith(CLICK_COOKIE))).not.toMatch(/domain=/)
    expect(readCookie(CLICK_COOKIE)).toBe('clk_1')
  })

  it('uses an explicit cookieDomain without probing', () => {
    setPage('http://www.shop.test/')
    const capture = captureCookieWrites()
    const cookies = createCookieStorage('www.shop.test')
    cookies.set(CLICK_COOKIE, 'clk_1', 60)
    capture.stop()
    expect(cookies.domain).toBe('www.shop.test')
    expect(capture.writes).toHaveLength(1)
    expect(capture.writes[0]).toMatch(/; domain=www\.shop\.test/)
  })

  it('returns the value it wrote, and round-trips characters cookies cannot hold raw', () => {
    setPage('http://www.shop.test/')
    const cookies = createCookieStorage()
    expect(cookies.set('affitor_lead', 'user; 1=ä ,x')).toBe('user; 1=ä ,x')
    expect(readCookie('affitor_lead')).toBe('user; 1=ä ,x')
  })

  it('never throws when the browser blocks cookies', () => {
    setPage('http://www.shop.test/')
    const unblock = blockCookies()
    try {
      const cookies = createCookieStorage()
      expect(cookies.set(CLICK_COOKIE, 'clk_1', 60)).toBe('clk_1')
      expect(cookies.domain).toBeUndefined()
      expect(readCookie(CLICK_COOKIE)).toBeUndefined()
      expect(() => cookies.remove(CLICK_COOKIE)).not.toThrow()
    } finally {
      unblock()
    }
  })
})

describe('no copy in localStorage', () => {
  it('keeps no copy in localStorage: a cookie the visitor deleted stays deleted', () => {
    setPage('http://www.shop.test/')
    const cookies = createCookieStorage()
    cookies.set(CLICK_COOKIE, 'clk_1', 60)
    expect({ ...localStorage }).toEqual({})
    clearCookiesOnly()
    expect(readCookie(CLICK_COOKIE)).toBeUndefined()
  })

  it('deletes the cookie on remove', () => {
    setPage('http://www.shop.test/')
    const cookies = createCookieStorage()
    cookies.set(CLICK_COOKIE, 'clk_1', 60)
    cookies.remove(CLICK_COOKIE)
    expect(readCookie(CLICK_COOKIE)).toBeUndefined()
  })

  it('writes nothing, not even the domain probe, before the first write', () => {
    setPage('http://www.shop.test/')
    const capture = captureCookieWrites()
    createCookieStorage()
    readCookie(CLICK_COOKIE)
    capture.stop()
    expect(capture.writes).toEqual([])
  })
})
