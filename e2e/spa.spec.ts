import { cookie, expect, test } from './fixtures'

// The single-page app (examples/spa) uses the npm build as ES modules: init() at startup,
// signup() from its own form after the example backend created the user.

test('the npm build in an ES module page records the click, keeps it across in-app navigation and ties the signup to it', async ({ page, context, demo }) => {
  await page.goto(demo.at('www', '/spa/?aff=P2'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  const [click] = await demo.events('click')
  expect(click.partner_code).toBe('P2')
  expect(click.request).toMatchObject({ affiliate_url: demo.at('www', '/spa/?aff=P2'), page_title: 'Acme Analytics: single-page app', additional_data: { program_id: '1' } })
  await expect.poll(async () => (await cookie(context, 'affitor_click_id'))?.domain).toBe('.shop.test')
  await expect(page.locator('#state')).toContainText(`"clickId": "${click.id}"`)
  // cleanUrl: the code is out of the address bar once captured.
  await expect(page).toHaveURL(demo.at('www', '/spa/'))

  // Client-side navigation: no page load, no second click.
  await page.click('a[href="/spa/signup"]')
  await page.fill('#email', 'spa@shop.test')
  await page.click('#signup button')
  await expect(page.locator('#result')).toContainText('"ok": true')

  const [lead] = await demo.events('lead')
  expect(lead.request).toMatchObject({ customer_key: 'user_1', email: 'spa@shop.test', click_id: click.id })
  expect(await demo.events('click')).toHaveLength(1)

  const sale = await demo.sale({ transaction_id: 'spa_order', amount_cents: 1_000, customer_key: 'user_1' })
  expect(sale.body).toMatchObject({ attributed: true, partner_code: 'P2' })
})

test('the npm build sends nothing without a partner code', async ({ page, demo }) => {
  const requests: string[] = []
  page.on('request', (request) => requests.push(request.url()))
  await page.goto(demo.at('app', '/spa/'))
  await expect(page.locator('#state')).toContainText('"hasAttribution": false')
  expect(await page.evaluate(async () => (await import('affitor-tracker' as string)).trackClick())).toMatchObject({ ok: true, skipped: 'no-code' })
  expect(requests.filter((url) => url.includes('/api/v1/track/'))).toEqual([])
  expect(await demo.events()).toEqual([])
})

test('a partner link followed inside the app, without a page load, is a landing: last click wins', async ({ page, demo }) => {
  await page.goto(demo.at('www', '/spa/?aff=P2'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  const [first] = await demo.events('click')
  await page.evaluate(() => ((window as any).samePage = true))

  await page.click('#partner-link')
  await expect.poll(() => demo.events('click')).toHaveLength(2)
  const second = (await demo.events('click'))[1]
  expect(second.partner_code).toBe('P1')
  expect(second.request).toMatchObject({ affiliate_url: demo.at('www', '/spa/?aff=P1'), existing_click_id: first.id })
  await expect(page.locator('#state')).toContainText(`"partnerCode": "P1"`)
  await expect(page).toHaveURL(demo.at('www', '/spa/'))
  expect(await page.evaluate(() => (window as any).samePage)).toBe(true)

  // Back: the cleaned landing URL, without a code, sends nothing.
  await page.goBack()
  await expect(page).toHaveURL(demo.at('www', '/spa/'))
  expect(await demo.events('click')).toHaveLength(2)
})
