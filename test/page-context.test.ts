import { afterEach, expect, it } from 'vitest'
import { pageContext, randomId } from '../src/page-context'
import { clearCookies, setPage } from './helpers/page'

afterEach(clearCookies)

it('collects every click field a browser can know', () => {
  setPage('https://www.shop.test/pricing?aff=P1#plans', { title: 'Pricing', referrer: 'https://partner.example/post' })
  const context = pageContext()
  expect(context).toEqual({
    page_url: 'https://www.shop.test/pricing?aff=P1#plans',
    page_title: 'Pricing',
    referrer_url: 'https://partner.example/post',
    user_agent: navigator.userAgent,
    screen_resolution: `${screen.width}x${screen.height}`,
    viewport_size: `${innerWidth}x${innerHeight}`,
    language: navigator.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  })
  expect(context.screen_resolution).toMatch(/^\d+x\d+$/)
  expect(context.timezone).not.toBe('')
})

it('makes distinct random ids', () => {
  const ids = new Set(Array.from({ length: 1000 }, randomId))
  expect(ids.size).toBe(1000)
  for (const id of ids) expect(id).toMatch(/^[a-z0-9]{6,}$/)
})
