import type { Page } from '@playwright/test'
import { cookie, expect, test, type Demo } from './fixtures'

// e2e/pages/affitor-script.html is written against Affitor's own script, unchanged but for the
// script's URL: its events go to the hosted API's address, which this test answers with the
// reference server.

const signupPage = (demo: Demo, search = '') => `http://www.shop.test:${demo.port}/e2e/affitor-script.html${search}`

/** Answers the hosted tracking API's requests with the demo's reference server. */
async function hostedApiIsTheDemo(page: Page, demo: Demo) {
  await page.route('https://api.affitor.com/**', async (route) => {
    const url = route.request().url().replace('https://api.affitor.com', `http://127.0.0.1:${demo.port}`)
    await route.fulfill({ response: await route.fetch({ url }) })
  })
}

test('a page written against Affitor\'s script works with this one: the click, the properties, trackLead() with has_attribution', async ({ page, context, demo }) => {
  await hostedApiIsTheDemo(page, demo)
  await page.goto(signupPage(demo, '?aff=P1'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  const [click] = await demo.events('click')
  await expect.poll(async () => (await cookie(context, 'affitor_click_id'))?.value).toBe(click.id)
  expect(await page.evaluate(() => {
    const { clickId, hasAffiliateAttribution, affiliateUrl, programId, debugMode, loaded } = (window as any).affitor
    return { clickId, hasAffiliateAttribution, affiliateUrl, programId, debugMode, loaded }
  })).toEqual({ clickId: click.id, hasAffiliateAttribution: true, affiliateUrl: signupPage(demo, '?aff=P1'), programId: 1, debugMode: false, loaded: true })

  // The next page view shows the referral banner the page's script draws from hasAffiliateAttribution.
  await page.goto(signupPage(demo))
  await expect(page.locator('#referral')).toBeVisible()
  await page.click('button')
  await expect(page.locator('#done')).toBeVisible()
  await expect.poll(() => demo.events('lead')).toHaveLength(1)
  const [lead] = await demo.events('lead')
  expect(lead).toMatchObject({ customer_key: 'user_123', email: 'user@example.com', click_id: click.id, partner_code: 'P1' })
  expect(lead.request).toMatchObject({ has_attribution: true, program_id: '1' })
})

test('a visitor attributed by an older version of Affitor\'s script (the customer_code cookie) keeps the attribution', async ({ page, context, demo }) => {
  await hostedApiIsTheDemo(page, demo)
  // The click as the older script recorded it: its id in customer_code, no affitor_click_id.
  await page.goto(signupPage(demo, '?aff=P2'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  const [click] = await demo.events('click')
  await context.clearCookies()
  await context.addCookies([{ name: 'customer_code', value: click.id, domain: '.shop.test', path: '/' }])

  await page.goto(signupPage(demo))
  await expect.poll(async () => (await cookie(context, 'affitor_click_id'))?.value).toBe(click.id)
  // Left as it is: a site may use that name for its own cookie.
  expect((await cookie(context, 'customer_code'))?.value).toBe(click.id)
  await expect(page.locator('#referral')).toBeVisible()
  await page.click('button')
  await expect.poll(() => demo.events('lead')).toHaveLength(1)
  expect((await demo.events('lead'))[0]).toMatchObject({ customer_key: 'user_123', click_id: click.id, partner_code: 'P2' })
  expect(await demo.events('click')).toHaveLength(1)
})
