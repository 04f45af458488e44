// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { cookieDomainFor, cookieMaxAge, partnerCodeOf, serializeCookie } from '../../src/first-party/cookies'

describe('serializeCookie', () => {
  it('writes Path, Max-Age, Domain, SameSite and Secure, percent-encoding the value', () => {
    expect(serializeCookie('affitor_click_id', 'clk 1;=é', { domain: 'shop.example', maxAge: 86_400, secure: true })).toBe(
      'affitor_click_id=clk%201%3B%3D%C3%A9; Path=/; Max-Age=86400; Domain=shop.example; SameSite=Lax; Secure',
    )
    expect(serializeCookie('affitor_partner_code', 'P1', { maxAge: 60, secure: false })).toBe('affitor_partner_code=P1; Path=/; Max-Age=60; SameSite=Lax')
  })
})

describe('partnerCodeOf', () => {
  it('reads the parameter, trimmed, as the browser tracker does', () => {
    expect(partnerCodeOf('https://shop.example/?aff=P1', 'aff')).toBe('P1')
    expect(partnerCodeOf('https://shop.example/?aff=%20a.b~c_d-e%20', 'aff')).toBe('a.b~c_d-e')
    expect(partnerCodeOf('https://shop.example/?ref=P2&aff=P1', 'ref')).toBe('P2')
    expect(partnerCodeOf(`https://shop.example/?aff=${'x'.repeat(64)}`, 'aff')).toHaveLength(64)
  })

  it.each([`https://shop.example/?aff=${'x'.repeat(65)}`, 'https://shop.example/?aff=a%2Fb', 'https://shop.example/?aff=', 'https://shop.example/', '/relative?aff=P1', 42, undefined])(
    'answers null for %j',
    (url) => {
      expect(partnerCodeOf(url, 'aff')).toBeNull()
    },
  )
})

describe('cookieMaxAge', () => {
  it('is cookie_window_days in seconds, else 60 days', () => {
    expect(cookieMaxAge(30)).toBe(2_592_000)
    expect(cookieMaxAge(0.5)).toBe(43_200)
    for (const days of [undefined, null, 0, -1, NaN, Infinity, '30']) expect(cookieMaxAge(days)).toBe(5_184_000)
  })

  it('stops at 400 days, the longest a browser keeps a cookie, rather than writing a Max-Age it ignores', () => {
    expect(cookieMaxAge(400)).toBe(34_560_000)
    expect(cookieMaxAge(1e300)).toBe(34_560_000)
  })
})

describe('cookieDomainFor', () => {
  it('prefers the configured domain', () => {
    expect(cookieDomainFor('www.shop.example', 'www.shop.example', 'shop.example')).toBe('shop.example')
  })

  it('takes a hint that is the host or a parent of it, normalised', () => {
    expect(cookieDomainFor('www.shop.example', 'shop.example')).toBe('shop.example')
    expect(cookieDomainFor('WWW.Shop.Example', ' .Shop.Example ')).toBe('shop.example')
    expect(cookieDomainFor('shop.example', 'shop.example')).toBe('shop.example')
    expect(cookieDomainFor('a.b.shop.co.uk', 'shop.co.uk')).toBe('shop.co.uk')
  })

  it.each([
    ['www.shop.example', null],
    ['www.shop.example', ''],
    ['www.shop.example', 'other.example'],
    ['www.shop.example', 'op.example'],
    ['shop.example', 'www.shop.example'],
    ['www.shop.example', 'example'],
    ['localhost', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['127.0.0.1', '0.0.1'],
    ['[::1]', '[::1]'],
    ['www.shop.example', 'shop.example; Domain=evil.example'],
    ['www.shop.example', 'shop..example'],
    // Public suffixes, which every browser refuses as a cookie's Domain.
    ['www.shop.co.uk', 'co.uk'],
    ['acme.github.io', 'github.io'],
    ['my-app.vercel.app', 'vercel.app'],
  ])('ignores on %s the hint %j', (host, hint) => {
    expect(cookieDomainFor(host, hint)).toBe(cookieDomainFor(host, null))
  })

  it('falls back to the registrable domain by the public suffix list, where the tracker writes its own copy', () => {
    expect(cookieDomainFor('www.shop.example', null)).toBe('shop.example')
    expect(cookieDomainFor('app.shop.example', 'evil.example')).toBe('shop.example')
    expect(cookieDomainFor('www.shop.co.uk', null)).toBe('shop.co.uk')
    expect(cookieDomainFor('shop.github.io', null)).toBe('shop.github.io')
  })

  it.each(['localhost', '127.0.0.1', '[::1]', '10.0.0.8'])('keeps %s host-only', (host) => {
    expect(cookieDomainFor(host, null)).toBeUndefined()
  })
})
