import { CHROMIUM_ARGS, chromiumPath, FAKE_HOSTS, VISITOR_ARGS, VISITOR_USER_AGENT } from './chromium.mjs'
import { expect, test } from './fixtures'

// Loads that are not visits: the browser fetching a partner link ahead of time, or going back to
// a landing already counted, records no click. (A page prerendered by speculation rules waits
// until it is shown: test/tracker.test.ts. No prerender request could be observed from
// Playwright here, so no browser test claims it.)

test('a prefetched partner link records no click; following it does, once', async ({ page, demo }) => {
  await page.goto(demo.at('www', '/pricing.html'))
  const prefetched = page.waitForRequest((request) => request.url().endsWith('/index.html?aff=P2'))
  await page.evaluate(() => {
    const link = document.createElement('link')
    link.rel = 'prefetch'
    link.href = '/index.html?aff=P2'
    document.head.append(link)
  })
  await prefetched
  // A prefetch fetches the document and runs none of it.
  await page.waitForTimeout(1000)
  expect(await demo.events('click')).toEqual([])
  await page.goto(demo.at('www', '/index.html?aff=P2'))
  await expect.poll(async () => (await demo.events('click')).length).toBe(1)
  expect((await demo.events('click'))[0].partner_code).toBe('P2')
})

test('going back to a landing restored from the back-forward cache records no click', async ({ playwright, demo }) => {
  // Playwright turns the cache off (--disable-back-forward-cache): a browser of its own has it.
  const browser = await playwright.chromium.launch({
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, ...VISITOR_ARGS, ...FAKE_HOSTS],
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  })
  try {
    const page = await browser.newPage({ userAgent: VISITOR_USER_AGENT })
    // Whether the page came back from the cache (its scripts do not run again) or was loaded anew.
    await page.addInitScript(() => addEventListener('pageshow', (event) => ((window as any).restored = event.persisted)))
    await page.goto(demo.at('www', '/?aff=P1'))
    await expect.poll(() => demo.events('click')).toHaveLength(1)
    await page.goto(demo.at('www', '/pricing.html?aff=P2'))
    await expect.poll(() => demo.events('click')).toHaveLength(2)
    // A page restored from the cache fires no load event: committed is all there is to wait for.
    await page.goBack({ waitUntil: 'commit' })
    await expect(page).toHaveURL(demo.at('www', '/?aff=P1'))
    await expect.poll(() => page.evaluate(() => (window as any).restored)).toBe(true)
    await page.waitForTimeout(500)
    expect((await demo.events('click')).map((click) => click.partner_code)).toEqual(['P1', 'P2'])
    expect(await page.evaluate(() => (window as any).affitor.getData().partnerCode)).toBe('P2')
  } finally {
    await browser.close()
  }
})

test('going back inside a page to a landing it counted records no click; a new link to it does', async ({ page, demo }) => {
  await page.goto(demo.at('www', '/pricing.html?aff=P1'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  // Another partner's link, followed without a page load.
  await page.evaluate(() => history.pushState(null, '', '/pricing.html?aff=P2'))
  await expect.poll(() => demo.events('click')).toHaveLength(2)
  await page.goBack()
  await expect(page).toHaveURL(demo.at('www', '/pricing.html?aff=P1'))
  await page.waitForTimeout(500)
  expect((await demo.events('click')).map((click) => click.partner_code)).toEqual(['P1', 'P2'])
  expect(await page.evaluate(() => (window as any).affitor.getData().partnerCode)).toBe('P2')
  await page.evaluate(() => history.pushState(null, '', '/pricing.html?aff=P1&from=footer'))
  await expect.poll(() => demo.events('click')).toHaveLength(3)
})
