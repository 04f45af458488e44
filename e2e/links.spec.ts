import type { Page } from '@playwright/test'
import { cookie, expect, test, type Demo } from './fixtures'

// Two root domains of one business, both on loopback: the marketing site www.shop.test and the
// app app.other.test, each with affitor-tracker.links.js (e2e/pages/site.html and app.html). And
// Stripe's Payment Links, pricing tables and buy buttons, which carry the click id as their client
// reference (e2e/pages/stripe.html).

const marketing = (demo: Demo, search = '') => `http://www.shop.test:${demo.port}/e2e/site.html${search}`
const app = (demo: Demo, search = '') => `http://app.other.test:${demo.port}/e2e/app.html${search}`
const pricing = (demo: Demo, search = '') => `http://www.shop.test:${demo.port}/e2e/stripe.html${search}`

const loaded = (page: Page) => page.waitForFunction(() => (window as any).affitor?.loaded === true)

test('a link to the other domain carries the click: adopted there with no second click, the address bar cleaned, the lead tied to it', async ({ page, context, demo }) => {
  await page.goto(marketing(demo, '?aff=P1'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  const [click] = await demo.events('click')
  await expect.poll(async () => (await cookie(context, 'affitor_click_id'))?.value).toBe(click.id)
  // A link the single-page app adds after load.
  await page.evaluate((href) => {
    const link = Object.assign(document.createElement('a'), { id: 'later', href, textContent: 'Later' })
    document.body.append(link)
  }, app(demo, '?plan=team&utm_source=site'))
  await page.click('#later')
  await page.waitForURL(/app\.other\.test/)
  await loaded(page)
  expect(page.url()).toBe(app(demo, '?plan=team&utm_source=site'))
  const adopted = (await context.cookies(app(demo))).find((c) => c.name == 'affitor_click_id')
  expect(adopted?.value).toBe(click.id)
  expect(adopted?.domain).toBe('.other.test')
  expect(await page.evaluate(() => (window as any).affitor.getData())).toMatchObject({ clickId: click.id, partnerCode: 'P1', hasAttribution: true })
  const lead = await page.evaluate(() => (window as any).affitor.signup('app_user_1', 'app_user_1@shop.test'))
  expect(lead).toMatchObject({ ok: true, status: 200 })
  expect(await demo.events('click')).toHaveLength(1)
  const [recorded] = await demo.events('lead')
  expect(recorded).toMatchObject({ customer_key: 'app_user_1', click_id: click.id, partner_code: 'P1' })
  expect(recorded.request.page_url).toBe(app(demo, '?plan=team&utm_source=site'))
})

test('a decorated URL opened after it expired carries nothing; the address bar is cleaned all the same', async ({ page, context, demo }) => {
  await page.goto(marketing(demo, '?aff=P1'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  // The visitor copies the link (the decoration is made as it is pressed) and opens it later.
  await page.dispatchEvent('#to-app', 'pointerdown')
  const copied = await page.getAttribute('#to-app', 'href')
  expect(copied).toContain('affitor_link=')
  const later = await page.evaluate((href) => {
    const url = new URL(href!)
    const carried = JSON.parse(url.searchParams.get('affitor_link')!)
    carried[4] -= 6 * 60_000
    url.searchParams.set('affitor_link', JSON.stringify(carried))
    return url.href
  }, copied)
  await page.goto(later)
  await loaded(page)
  expect(page.url()).toBe(app(demo, '?plan=pro'))
  expect((await context.cookies(app(demo))).find((c) => c.name == 'affitor_click_id')).toBeUndefined()
  expect(await demo.events('click')).toHaveLength(1)
})

test('a newer click made on the other domain is kept: last click wins across domains', async ({ page, context, demo }) => {
  await page.goto(marketing(demo, '?aff=P1'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  await expect.poll(async () => (await cookie(context, 'affitor_click_at'))?.value).toBeTruthy()
  // Later, a click of another partner on the app itself.
  await page.goto(app(demo, '?aff=P2'))
  await expect.poll(() => demo.events('click')).toHaveLength(2)
  const newer = (await demo.events('click'))[1]
  await expect.poll(async () => (await context.cookies(app(demo))).find((c) => c.name == 'affitor_click_at')?.value).toBeTruthy()
  // Back on the marketing site, whose stored click is P1's, the visitor follows the link to the app.
  await page.goto(marketing(demo))
  await loaded(page)
  await page.click('#to-app')
  await page.waitForURL(app(demo, '?plan=pro'))
  await loaded(page)
  expect((await context.cookies(app(demo))).find((c) => c.name == 'affitor_click_id')?.value).toBe(newer.id)
  expect(await page.evaluate(() => (window as any).affitor.getData().partnerCode)).toBe('P2')
})

test('a Payment Link, a pricing table and a buy button added after load carry the click; Stripe\'s checkout and renewal are attributed to it', async ({ page, demo }) => {
  let opened: URL | undefined
  await page.route('https://buy.stripe.com/**', (route) => {
    opened = new URL(route.request().url())
    return route.fulfill({ contentType: 'text/html', body: '<title>Stripe</title>' })
  })
  await page.goto(pricing(demo, '?aff=P2'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  const [click] = await demo.events('click')
  await page.evaluate(() => {
    document.body.insertAdjacentHTML(
      'beforeend',
      `<stripe-pricing-table pricing-table-id="prctbl_1" publishable-key="pk_test_1"></stripe-pricing-table>
       <div id="later"></div>
       <a id="pay" href="https://buy.stripe.com/test_14k5nY?prefilled_email=a%40shop.test">Pay</a>`,
    )
    setTimeout(() => (document.getElementById('later')!.innerHTML = '<stripe-buy-button buy-button-id="buy_1"></stripe-buy-button>'), 50)
  })
  await expect(page.locator('stripe-pricing-table')).toHaveAttribute('client-reference-id', click.id)
  await expect(page.locator('stripe-buy-button')).toHaveAttribute('client-reference-id', click.id)
  await page.click('#pay')
  await page.waitForURL(/buy\.stripe\.com/)
  expect(opened?.searchParams.get('client_reference_id')).toBe(click.id)
  expect(opened?.searchParams.get('prefilled_email')).toBe('a@shop.test')

  // What Stripe sends once the visitor paid through that link: no metadata, the click id as the reference.
  const session = { id: 'cs_link_1', object: 'checkout.session', mode: 'subscription', payment_status: 'paid', amount_total: 2_900, currency: 'usd', payment_intent: null, subscription: 'sub_link_1', invoice: 'in_link_1', client_reference_id: click.id, customer: 'cus_link_1', customer_details: { email: 'a@shop.test' }, metadata: {} }
  expect(await demo.stripe('checkout.session.completed', session)).toMatchObject({ status: 200, body: { attributed: true, partner_code: 'P2' } })
  const renewal = { id: 'in_link_2', object: 'invoice', billing_reason: 'subscription_cycle', amount_paid: 2_900, currency: 'usd', parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_link_1', metadata: {} } } }
  expect(await demo.stripe('invoice.paid', renewal)).toMatchObject({ status: 200, body: { attributed: true, partner_code: 'P2' } })
  expect((await demo.events('sale')).map((sale) => [sale.transaction_id, sale.click_id, sale.attributed])).toEqual([
    ['cs_link_1', click.id, true],
    ['in_link_2', click.id, true],
  ])
})
