import { afterEach, expect, it, vi } from 'vitest'
import { CLICK_COOKIE, readCookie } from '../../src/browser/cookie-storage'
import { LINK_PARAM } from '../../src/browser/links'
import { asScriptTag, freshScriptTagPage } from '../helpers/cdn'
import { clearBrowserState, setPage } from '../helpers/page'

// affitor-tracker.links.js: the script tag's tracker, with data-affitor-link-domains and data-affitor-stripe.

const page = freshScriptTagPage()
afterEach(() => {
  clearBrowserState()
  document.body.innerHTML = ''
})

const load = (attributes: Record<string, string>) =>
  asScriptTag({ 'data-affitor-program-id': '7', 'data-affitor-api-base': 'http://api.test', ...attributes }, () => import('../../src/browser/cdn-links'))

it('reads the link domains and the Stripe flag from its attributes', async () => {
  setPage('https://www.shop.test/?aff=P1')
  document.body.innerHTML = '<a id="app" href="https://app.shop.app/">App</a><a id="pay" href="https://buy.stripe.com/test_1">Pay</a><stripe-buy-button></stripe-buy-button>'
  await load({ 'data-affitor-link-domains': 'shop.app,*.shop.app', 'data-affitor-stripe': 'true' })
  await vi.waitFor(() => expect(document.querySelector('stripe-buy-button')!.getAttribute('client-reference-id')).toBe('clk_1'))
  for (const id of ['app', 'pay']) document.getElementById(id)!.dispatchEvent(new Event('pointerdown', { bubbles: true }))
  expect(JSON.parse(new URL((document.getElementById('app') as HTMLAnchorElement).href).searchParams.get(LINK_PARAM)!).slice(0, 3)).toEqual(['7', 'clk_1', 'P1'])
  expect((document.getElementById('pay') as HTMLAnchorElement).href).toBe('https://buy.stripe.com/test_1?client_reference_id=clk_1')
})

it('takes a carried click out of the address bar before the tracker reads it: no URL sent carries it', async () => {
  const carried = encodeURIComponent(JSON.stringify(['7', 'clk_far', 'P9', Date.now() - 1000, Date.now()]))
  setPage(`https://app.shop.app/welcome?aff=P2&${LINK_PARAM}=${carried}`, { referrer: 'https://www.shop.test/' })
  await load({ 'data-affitor-link-domains': '*.shop.test' })
  await vi.waitFor(() => expect(page().clicks()).toHaveLength(1))
  const [click] = page().clicks()
  expect(click.body.page_url).toBe('https://app.shop.app/welcome?aff=P2')
  expect(click.body.affiliate_url).toBe('https://app.shop.app/welcome?aff=P2')
  // The landing here is newer than the carried click: it replaces it.
  expect(click.body.existing_click_id).toBe('clk_far')
  await vi.waitFor(() => expect(readCookie(CLICK_COOKIE)).toBe('clk_1'))
  expect((window as unknown as { affitor: { affiliateUrl: string } }).affitor.affiliateUrl).toBe('https://app.shop.app/welcome?aff=P2')
})
