import type { BrowserContext, Page } from '@playwright/test'
import { cookie, expect, test } from './fixtures'

// examples/site/consent.html loads the tracker with data-affitor-require-consent, and a stand-in
// consent banner calls affitor('grantConsent') or affitor('revokeConsent').

/** Every cookie and localStorage key the page can see. */
async function stored(page: Page, context: BrowserContext) {
  const storage = await page.evaluate(() => Object.keys(localStorage).sort())
  return { cookies: (await context.cookies()).map((c) => `${c.name}=${c.value}`).sort(), storage }
}

async function open(page: Page, url: string) {
  await page.goto(url)
  await page.waitForFunction(() => typeof (window as any).affitor?.grantConsent == 'function')
}

test('nothing is stored or sent before consent; accepting reports the landing held in memory', async ({ page, context, demo }) => {
  const requests: string[] = []
  page.on('request', (request) => request.url().includes('/api/v1/track/') && requests.push(request.url()))
  await open(page, demo.at('www', '/consent.html?aff=P1'))
  await expect.poll(() => page.evaluate(() => (window as any).affitor.trackClick())).toMatchObject({ skipped: 'no-consent' })
  // A signup before consent is held too.
  await page.evaluate(() => (window as any).affitor.signup('consent_user', 'consent@shop.test'))
  // A single-page app moves on before the visitor answers the banner.
  await page.evaluate(() => history.replaceState(null, '', '/consent.html#later'))
  expect(await stored(page, context)).toEqual({ cookies: [], storage: [] })
  expect(requests).toEqual([])
  expect(await demo.events()).toEqual([])
  await expect(page.locator('#consent-status')).toHaveText('pending')

  await page.click('#accept')
  await expect(page.locator('#consent-status')).toHaveText('given')
  await expect.poll(async () => (await demo.events('lead')).length).toBe(1)
  const [click] = await demo.events('click')
  expect(click).toMatchObject({ partner_code: 'P1', request: { affiliate_url: demo.at('www', '/consent.html?aff=P1') } })
  expect((await demo.events('lead'))[0]).toMatchObject({ customer_key: 'consent_user', click_id: click.id })
  expect((await cookie(context, 'affitor_click_id'))?.value).toBe(click.id)
  expect((await cookie(context, 'affitor_consent'))).toMatchObject({ value: '1', domain: '.shop.test' })

  // The choice holds on the next page view, on another subdomain.
  await open(page, demo.at('app', '/consent.html?aff=P2'))
  await expect.poll(async () => (await demo.events('click')).length).toBe(2)
})

test('declining deletes what was stored, and nothing is sent afterwards', async ({ page, context, demo }) => {
  await open(page, demo.at('www', '/consent.html?aff=P1'))
  await page.click('#accept')
  await expect.poll(async () => (await cookie(context, 'affitor_click_id'))?.value).toBeTruthy()
  expect((await stored(page, context)).cookies).toContainEqual(expect.stringMatching(/^affitor_click_id=/))

  await expect(page.locator('#decline')).toHaveClass('secondary')
  await page.click('#decline')
  expect(await stored(page, context)).toEqual({ cookies: ['affitor_consent=0'], storage: [] })
  await expect(page.locator('#consent-status')).toHaveText('refused')

  const requests: string[] = []
  page.on('request', (request) => request.url().includes('/api/v1/track/') && requests.push(request.url()))
  await open(page, demo.at('www', '/pricing.html?aff=P2'))
  await page.evaluate(() => (window as any).affitor.signup('declined_user'))
  expect(requests).toEqual([])
  expect(await demo.events('click')).toHaveLength(1)
  expect(await demo.events('lead')).toEqual([])
})

test('Global Privacy Control is honoured with data-affitor-honor-gpc, and ignored without it', async ({ page, demo }) => {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }))
  await open(page, demo.at('www', '/privacy-signals.html?aff=P1'))
  expect(await page.evaluate(() => (window as any).affitor.trackClick())).toMatchObject({ skipped: 'no-consent' })
  expect(await page.evaluate(() => document.cookie)).toBe('')
  expect(await demo.events()).toEqual([])

  // The same browser on a page whose tag does not honour the signal.
  await open(page, demo.at('www', '/pricing.html?aff=P1'))
  await expect.poll(async () => (await demo.events('click')).length).toBe(1)
})
