import { CHROMIUM_ARGS, chromiumPath, FAKE_HOSTS } from './chromium.mjs'
import { expect, test } from './fixtures'

// Page views by programs are no clicks: a browser under automation (navigator.webdriver), or a
// crawler's or headless browser's user agent. The other tests play visitors (playwright.config.ts).

const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36'
const GOOGLEBOT = 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

for (const [name, userAgent] of [['a headless browser', HEADLESS], ['Googlebot', GOOGLEBOT]]) {
  test.describe(`${name}'s user agent`, () => {
    test.use({ userAgent })

    test('records no click, and the tracker says why', async ({ page, demo }) => {
      await page.goto(demo.at('www', '/?aff=P1'))
      await page.waitForFunction(() => (window as any).affitor?.trackClick)
      expect(await page.evaluate(() => (window as any).affitor.trackClick())).toEqual({ ok: true, status: 0, skipped: 'bot' })
      expect(await demo.events('click')).toEqual([])
      await expect(page.locator('#state')).toContainText('"hasAttribution": false')
    })
  })
}

test('a browser under automation records no click, unless the page says data-affitor-track-bots', async ({ playwright, demo }) => {
  // Playwright's Chromium as it comes: navigator.webdriver is true.
  const browser = await playwright.chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...FAKE_HOSTS] })
  try {
    const page = await browser.newPage()
    expect(await page.evaluate(() => navigator.webdriver)).toBe(true)
    await page.goto(demo.at('www', '/?aff=P1'))
    await page.waitForFunction(() => (window as any).affitor?.trackClick)
    expect(await page.evaluate(() => (window as any).affitor.trackClick())).toMatchObject({ skipped: 'bot' })
    expect(await demo.events('click')).toEqual([])

    // An end-to-end test of a site's own: the attribute turns the filter off. The page with it is
    // made here, and then the browser takes its origin for a public one and refuses it anything from
    // loopback: all of the site is answered from here, fetched by Node from loopback.
    await page.route(
      (url) => url.hostname == 'www.shop.test',
      async (route) => {
        const response = await route.fetch({ url: route.request().url().replace('www.shop.test', '127.0.0.1') })
        const body = (await response.text()).replace('data-affitor-program-id="1"', 'data-affitor-program-id="1" data-affitor-track-bots')
        await route.fulfill({ response, body })
      },
    )
    await page.goto(demo.at('www', '/pricing.html?aff=P2'))
    await expect.poll(() => demo.events('click')).toHaveLength(1)
    expect((await demo.events('click'))[0].partner_code).toBe('P2')
  } finally {
    await browser.close()
  }
})
