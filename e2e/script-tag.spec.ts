import { cookie, daysUntil, expect, test } from './fixtures'

// The example marketing site (examples/site) loads the CDN bundle by script tag; its pages are
// served on two subdomains of one fake site, both mapped to loopback.

test('a landing with ?aff= records a click with the protocol fields and a 60-day cookie on .shop.test', async ({ page, context, demo }) => {
  const landing = demo.at('www', '/?aff=P1&utm_source=newsletter')
  await page.goto(landing)
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  const [click] = await demo.events('click')
  expect(click.partner_code).toBe('P1')
  expect(click.request).toMatchObject({
    affiliate_url: landing,
    page_url: landing,
    page_title: 'Acme Analytics: the example shop',
    session_id: expect.any(String),
    user_agent: await page.evaluate(() => navigator.userAgent),
    screen_resolution: expect.stringMatching(/^\d+x\d+$/),
    viewport_size: expect.stringMatching(/^\d+x\d+$/),
    language: expect.any(String),
    timezone: expect.any(String),
    additional_data: { program_id: '1' },
  })
  expect(click.request).not.toHaveProperty('existing_click_id')

  await expect.poll(() => cookie(context, 'affitor_click_id')).toBeTruthy()
  const stored = (await cookie(context, 'affitor_click_id'))!
  expect(stored.value).toBe(click.id)
  expect(stored.domain).toBe('.shop.test')
  expect(stored.path).toBe('/')
  expect(stored.sameSite).toBe('Lax')
  expect(daysUntil(stored.expires)).toBeGreaterThan(59.9)
  expect(daysUntil(stored.expires)).toBeLessThan(60.1)
  await expect(page.locator('#state')).toContainText(`"clickId": "${click.id}"`)
})

test('another subdomain sees the click; signup there records a lead tied to it; the sale goes to P1', async ({ page, demo }) => {
  await page.goto(demo.at('www', '/?aff=P1'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  const [click] = await demo.events('click')

  await page.goto(demo.at('app', '/'))
  await page.waitForFunction(() => typeof (window as any).affitor.getClickId == 'function')
  expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBe(click.id)
  const result = await page.evaluate(() => (window as any).affitor.signup('user_1', 'a@b.co'))
  expect(result).toMatchObject({ ok: true, status: 200 })

  const [lead] = await demo.events('lead')
  expect(lead.request).toMatchObject({ customer_key: 'user_1', email: 'a@b.co', click_id: click.id, program_id: '1' })
  expect(lead.click_id).toBe(click.id)

  const sale = await demo.sale({ transaction_id: 'order_1', amount_cents: 10_000, customer_key: 'user_1' })
  expect(sale).toMatchObject({ status: 200, body: { success: true, attributed: true, partner_code: 'P1' } })
})

test('last click wins: the same partner again sends nothing, another partner replaces the click', async ({ page, context, demo }) => {
  await page.goto(demo.at('www', '/?aff=P1'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  const [first] = await demo.events('click')

  // A refresh, an internal link that kept the query, the same link on the other subdomain.
  for (const url of [null, demo.at('www', '/pricing.html?aff=P1'), demo.at('app', '/?aff=P1')]) {
    await (url ? page.goto(url) : page.reload())
    await page.waitForFunction(() => typeof (window as any).affitor.trackClick == 'function')
    expect(await page.evaluate(() => (window as any).affitor.trackClick())).toMatchObject({ ok: true, skipped: 'same-partner' })
  }
  expect(await demo.events('click')).toHaveLength(1)

  await page.goto(demo.at('www', '/?aff=P2'))
  await expect.poll(() => demo.events('click')).toHaveLength(2)
  const [, second] = await demo.events('click')
  expect(second.partner_code).toBe('P2')
  expect(second.request.existing_click_id).toBe(first.id)
  await expect.poll(async () => (await cookie(context, 'affitor_click_id'))?.value).toBe(second.id)

  await page.goto(demo.at('app', '/'))
  await page.waitForFunction(() => typeof (window as any).affitor.signup == 'function')
  await page.evaluate(() => (window as any).affitor.signup('user_2', 'b@shop.test'))
  const sale = await demo.sale({ transaction_id: 'order_2', amount_cents: 5_000, customer_key: 'user_2' })
  expect(sale.body).toMatchObject({ attributed: true, partner_code: 'P2' })
  expect(await demo.events('click')).toHaveLength(2)
})

test('a page without a partner code sends nothing and stores nothing', async ({ page, context, demo }) => {
  const requests: string[] = []
  page.on('request', (request) => requests.push(request.url()))
  await page.goto(demo.at('www', '/'))
  await page.waitForFunction(() => typeof (window as any).affitor.getData == 'function')
  await expect(page.locator('#state')).toContainText('"hasAttribution": false')
  expect(requests.filter((url) => url.includes('/api/v1/track/'))).toEqual([])
  expect(await demo.events()).toEqual([])
  expect(await cookie(context, 'affitor_click_id')).toBeUndefined()
})

test('data-affitor-clean-url takes the code out of the address bar; a client-side navigation to a code is a landing', async ({ page, demo }) => {
  // examples/site/app.html carries data-affitor-clean-url.
  const landing = demo.at('www', '/app.html?utm_source=newsletter&aff=P1#signup')
  await page.goto(landing)
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  // As landed, but for the fragment: it never leaves the page.
  expect((await demo.events('click'))[0].request.affiliate_url).toBe(landing.replace('#signup', ''))
  await expect(page).toHaveURL(demo.at('www', '/app.html?utm_source=newsletter#signup'))

  // A page that changes its URL with the History API (a router) reaches another partner's code.
  await page.evaluate(() => history.pushState({ from: 'router' }, '', '/app.html?aff=P2'))
  await expect.poll(() => demo.events('click')).toHaveLength(2)
  const second = (await demo.events('click'))[1]
  expect(second).toMatchObject({ partner_code: 'P2', request: { affiliate_url: demo.at('www', '/app.html?aff=P2') } })
  await expect(page).toHaveURL(demo.at('www', '/app.html'))
  expect(await page.evaluate(() => history.state)).toEqual({ from: 'router' })
})
