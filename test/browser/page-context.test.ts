import { afterEach, expect, it, vi } from 'vitest'
import { pageContext, randomId } from '../../src/browser/page-context'
import { REDACTED_PARAMS, redactUrl } from '../../src/browser/redact-url'
import { clearBrowserState, setPage } from '../helpers/page'

afterEach(clearBrowserState)

const redact = (url: string) => redactUrl(url, REDACTED_PARAMS)

it('collects every click field a browser can know', () => {
  setPage('https://www.shop.test/pricing?aff=P1#plans', { title: 'Pricing', referrer: 'https://partner.example/post' })
  ;(window as unknown as { happyDOM: { setViewport(size: object): void } }).happyDOM.setViewport({ width: 1280, height: 720 })
  vi.spyOn(navigator, 'language', 'get').mockReturnValue('de-CH')
  vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockReturnValue({ timeZone: 'Europe/Zurich' } as Intl.ResolvedDateTimeFormatOptions)
  const context = pageContext(redact)
  expect(context).toEqual({
    // Without the fragment: it never leaves the page.
    page_url: 'https://www.shop.test/pricing?aff=P1',
    page_title: 'Pricing',
    referrer_url: 'https://partner.example/post',
    user_agent: navigator.userAgent,
    screen_resolution: `${screen.width}x${screen.height}`,
    viewport_size: '1280x720',
    language: 'de-CH',
    timezone: 'Europe/Zurich',
  })
  expect(context.screen_resolution).toMatch(/^\d+x\d+$/)
})

it('makes distinct random ids', () => {
  const ids = new Set(Array.from({ length: 1000 }, randomId))
  expect(ids.size).toBe(1000)
  for (const id of ids) expect(id).toMatch(/^[a-z0-9]{6,}$/)
})

it('takes the time zone from Temporal where the browser has it, without a DateTimeFormat', () => {
  const page = window as unknown as { Temporal?: unknown }
  page.Temporal = { Now: { timeZoneId: () => 'Asia/Tokyo' } }
  const format = vi.spyOn(Intl, 'DateTimeFormat')
  try {
    expect(pageContext(redact).timezone).toBe('Asia/Tokyo')
    // The first DateTimeFormat of a page loads the locale data: tens of milliseconds.
    expect(format).not.toHaveBeenCalled()
  } finally {
    delete page.Temporal
  }
})

it('leaves out a field the page broke and reads the others: a throwing screen, no Intl', () => {
  setPage('https://www.shop.test/?aff=P1', { title: 'Home' })
  vi.spyOn(window, 'screen', 'get').mockImplementation(() => {
    throw new Error('blocked by a privacy extension')
  })
  vi.stubGlobal('Intl', undefined)
  try {
    const context = pageContext(redact)
    expect(context.screen_resolution).toBeUndefined()
    expect(context.timezone).toBeUndefined()
    expect(context).toMatchObject({ page_url: 'https://www.shop.test/?aff=P1', page_title: 'Home', viewport_size: expect.stringMatching(/^\d+x\d+$/) })
  } finally {
    vi.unstubAllGlobals()
  }
})

it('passes its URLs through the redaction it is given, the referrer too', () => {
  setPage('https://www.shop.test/auth/callback?code=SECRET&state=S&aff=P1#access_token=T', { referrer: 'https://idp.example/login?token=T2&next=%2Fhome' })
  const context = pageContext(redact)
  expect(context.page_url).toBe('https://www.shop.test/auth/callback?aff=P1')
  expect(context.referrer_url).toBe('https://idp.example/login?next=%2Fhome')
})
