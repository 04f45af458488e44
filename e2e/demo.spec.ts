import { cookie, expect, test } from './fixtures'

// What a newcomer does after `npm run demo`: land through a partner link, sign up, pay,
// subscribe, renew, refund, and watch the chain fill the live page without reloading it.

test('walking through the example site fills the live page with an attributed chain', async ({ page, context, demo }) => {
  const live = await context.newPage()
  await live.goto(`http://localhost:${demo.port}/__affitor/`)

  await page.goto(`http://localhost:${demo.port}/?aff=DEMO`)
  await expect(page.locator('#state')).toContainText('"partnerCode": "DEMO"')
  const clickId = (await cookie(context, 'affitor_click_id'))!.value
  const clickWords = `Click from partner DEMO stored, cookie affitor_click_id on localhost for 60 days (click ${clickId}).`
  await expect(page.locator('#state-words')).toHaveText(clickWords)
  await page.click('text=Start your free trial')
  await page.fill('#email', 'newcomer@example.com')
  await page.click('#signup button')
  // Each step adds a sentence to the log.
  const log = page.locator('#log > li > p')
  await expect(log).toHaveCount(2)
  for (const [step, count] of [['#buy', 3], ['#subscribe', 4], ['#renew', 5], ['#refund', 6]] as const) {
    await page.click(step)
    await expect(log).toHaveCount(count)
  }

  const sales = await demo.events('sale')
  expect(sales.map((sale) => [sale.attributed, sale.partner_code, sale.amount_cents, sale.refund_state])).toEqual([
    [true, 'DEMO', 4_900, 'full'],
    [true, 'DEMO', 1_900, 'none'],
    [true, 'DEMO', 1_900, 'none'],
  ])
  expect(await demo.events('refund')).toMatchObject([{ transaction_id: sales[0].transaction_id, amount_cents: 4_900, status: 'reversed', commission_reversed_cents: 1_470 }])
  // The log in plain words, built from the cookie and the answers.
  const [order, subscription, renewal] = sales.map((sale) => sale.transaction_id)
  await expect(log).toHaveText([
    clickWords,
    `Signup of customer user_1 (newcomer@example.com) tied to click ${clickId} of partner DEMO.`,
    `Sale of $49.00 (${order}) attributed to partner DEMO, commission $14.70.`,
    `Subscription of $19.00 a month (Stripe checkout.session.completed) attributed to partner DEMO, commission $5.70.`,
    `Renewal of $19.00 (Stripe invoice.paid, ${renewal}) attributed to partner DEMO, commission $5.70.`,
    `Refund of $49.00 on ${order}: the sale is refunded in full and partner DEMO's commission of $14.70 reversed.`,
  ])
  expect(subscription).toMatch(/^cs_/)
  // The JSON behind a sentence is one click away.
  const json = page.locator('#log > li').nth(2).locator('pre')
  await expect(json).toBeHidden()
  await page.locator('#log > li').nth(2).getByText('JSON').click()
  await expect(json).toBeVisible()
  expect(JSON.parse((await json.textContent())!)).toMatchObject({ status: 200, sent: { transaction_id: order, amount_cents: 4_900 }, answer: { attributed: true, commission_cents: 1_470 } })
  // The live page updated by itself: the customer, the partner and the sales are on it, the
  // first sale refunded and its commission reversed.
  await expect(live.locator('#chains')).toContainText('user_1')
  await expect(live.locator('#chains')).toContainText('$49.00')
  await expect(live.getByText('attributed to DEMO')).toHaveCount(3)
  await expect(live.locator('#chains .badge.refund')).toHaveText(['refunded'])
  await expect(live.locator('#chains')).toContainText('commission $0.00 ($14.70 reversed)')
})

test('the live page fits a phone: long ids, emails and URLs wrap, nothing scrolls sideways', async ({ page, demo }) => {
  const post = (path: string, body: object) => fetch(`http://localhost:${demo.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json())
  const customer = 'customer_with_a_rather_long_identifier_0123456789'
  const click = await post('/api/v1/track/click', { affiliate_url: 'https://www.example-shop-with-a-long-name.test/pricing/enterprise?aff=P1&utm_campaign=black-friday-2026' })
  await post('/api/v1/track/lead', { click_id: click.click_id, customer_key: customer, email: 'someone.with.a.long.address@example-company.test' })
  expect((await demo.sale({ transaction_id: 'cli_test_tx_0123456789abcdef', amount_cents: 4_900, customer_key: customer })).status).toBe(200)

  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`http://localhost:${demo.port}/__affitor/`)
  await expect(page.locator('#chains')).toContainText('$49.00')
  await expect(page.locator('#totals td')).toHaveText(['P1', '1', '1', '1', '$49.00', '$14.70'])
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  // Filtered by that customer: its long key in the form and in the line that says so.
  await page.goto(`http://localhost:${demo.port}/__affitor/?customer=${customer}`)
  await expect(page.locator('.echo')).toContainText(customer)
  await expect(page.locator('#chains')).toContainText('$49.00')
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
})

test('the live page filters by partner and customer with a plain GET form, with or without JavaScript', async ({ page, browser, demo }) => {
  const post = (path: string, body: object) => fetch(`http://localhost:${demo.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json())
  for (const [code, customer] of [['P1', 'ada'], ['P2', 'bob']]) {
    const click = await post('/api/v1/track/click', { affiliate_url: `https://shop.test/?aff=${code}` })
    await post('/api/v1/track/lead', { click_id: click.click_id, customer_key: customer })
    await demo.sale({ transaction_id: `order_${customer}`, amount_cents: 1_000, customer_key: customer })
  }
  await page.goto(`http://localhost:${demo.port}/__affitor/`)
  await expect(page.locator('#totals tbody tr')).toHaveCount(2)
  await page.fill('input[name=partner]', ' P2 ')
  await page.click('#filter button')
  // The empty customer field stays out of the address.
  await expect(page).toHaveURL(`http://localhost:${demo.port}/__affitor/?partner=P2`)
  await expect(page.locator('.echo')).toHaveText('Showing the chains of partner P2. Show all')
  await expect(page.locator('#chains')).toContainText('order_bob')
  await expect(page.locator('#chains')).not.toContainText('order_ada')
  await expect(page.locator('#totals tbody tr')).toHaveCount(1)
  await page.getByRole('link', { name: 'bob' }).click()
  await expect(page).toHaveURL(/\?customer=bob$/)
  await page.getByText('Show all').click()
  await expect(page.locator('#chains .chain')).toHaveCount(2)

  // Without JavaScript the form still asks the server, which fills it in and says what it shows.
  const context = await browser.newContext({ javaScriptEnabled: false })
  const still = await context.newPage()
  await still.goto(`http://localhost:${demo.port}/__affitor/`)
  await still.fill('input[name=customer]', 'ada')
  await still.click('#filter button')
  await expect(still).toHaveURL(/\?partner=&customer=ada$/)
  await expect(still.locator('input[name=customer]')).toHaveValue('ada')
  await expect(still.locator('.echo')).toHaveText('Showing the chains of customer ada. Show all')
  await expect(still.getByRole('link', { name: './chains' })).toHaveAttribute('href', 'chains')
  await context.close()
})

test('with the tracker blocked on the signup page, the example still signs up and the sale is attributed by the click cookie', async ({ page, demo }) => {
  await page.goto(demo.at('www', '/?aff=P1'))
  await expect(page.locator('#state')).toContainText('"partnerCode": "P1"')

  // An ad blocker on the app: the script never loads.
  await page.route('**/dist/affitor-tracker.js', (route) => route.abort())
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(demo.at('app', '/app.html'))
  await page.fill('#email', 'blocked@shop.test')
  await page.click('#signup button')
  await expect(page.locator('#log')).toContainText('the signup is queued')
  expect(await demo.events('lead')).toEqual([])

  await page.click('#buy')
  await expect(page.locator('#log')).toContainText('"attributed": true')
  // Read from the cookie, not the tracker; no Cookie Store API on plain http: no domain nor expiry.
  const [click] = await demo.events('click')
  await expect(page.locator('#log > li > p')).toHaveText([
    `Click from partner P1 stored, cookie affitor_click_id (click ${click.click_id}).`,
    'Signup of customer user_1 (blocked@shop.test) queued: the tracker has not loaded (blocked?), it sends the signup once it does.',
    /^Sale of \$49\.00 \(order_\w+\) attributed to partner P1, commission \$14\.70\.$/,
  ])
  expect((await demo.events('sale'))[0]).toMatchObject({ attributed: true, partner_code: 'P1' })
  expect(errors).toEqual([])
})

test('a promo code typed at checkout pays its partner, over the cookie of another partner', async ({ page, context, demo }) => {
  await page.goto(`http://localhost:${demo.port}/?aff=DEMO`)
  await expect(page.locator('#state')).toContainText('"partnerCode": "DEMO"')
  await page.click('text=Start your free trial')
  await page.fill('#email', 'coupon@example.com')
  await page.click('#signup button')
  const log = page.locator('#log > li > p')
  await expect(log).toHaveCount(2)
  await page.fill('#coupon', 'p2spring')
  await page.click('#buy')
  await expect(log).toHaveCount(3)
  const [sale] = await demo.events('sale')
  expect(sale).toMatchObject({ attributed: true, partner_code: 'P2', attribution_source: 'coupon', coupon_code: 'p2spring', click_id: null })
  await expect(log.nth(2)).toHaveText(`Sale of $49.00 (${sale.transaction_id}) attributed to partner P2 through their promo code p2spring, whatever the cookie says, commission $14.70.`)
  expect((await cookie(context, 'affitor_click_id'))!.value).toBeTruthy()
  // The live page says what credited the partner.
  await page.goto(`http://localhost:${demo.port}/__affitor/`)
  await expect(page.locator('#chains')).toContainText('attributed to P2 by promo code p2spring')
})
