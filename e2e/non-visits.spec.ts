import { expect, test } from './fixtures'

// Loads that are not visits: the browser fetching a partner link ahead of time records no click.
// (A page prerendered by speculation rules waits until it is shown: test/tracker.test.ts. No
// prerender request could be observed from Playwright here, so no browser test claims it.)

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
