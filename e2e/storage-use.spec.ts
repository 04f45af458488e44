import { cookie, expect, test } from './fixtures'
import { instrumentStorage, storageCounts } from './storage-counts.mjs'

// Each document.cookie read and each localStorage access is synchronous main-thread work in the
// customer's page: counted here through instrumented accessors, in Chromium, on the demo's
// pricing page, whose only script is the tracker's tag.

test('a plain page view with nothing waiting: at most 1 cookie read, no cookie written, no localStorage', async ({ page, demo }) => {
  await page.addInitScript(instrumentStorage)
  await page.goto(demo.at('www', '/pricing.html'))
  await page.waitForFunction(() => (window as any).affitor?.trackClick)
  // Whatever the tracker does after load (its start-up flush, timers) counts too.
  await page.waitForTimeout(500)
  const seen = await storageCounts(page)
  console.log(`[storage] plain page view | document.cookie reads ${seen.cookieReads} | cookie writes ${seen.cookieWrites} | localStorage ${seen.localStorage}`)
  expect(seen.cookieReads).toBeLessThanOrEqual(1)
  expect(seen.cookieWrites).toBe(0)
  expect(seen.localStorage).toBe(0)
  expect(await demo.events()).toEqual([])
})

test('a landing whose click is answered in the page: at most 3 cookie reads, no localStorage', async ({ page, context, demo }) => {
  await page.addInitScript(instrumentStorage)
  await page.goto(demo.at('www', '/pricing.html?aff=P1'))
  // Waited for from outside the page, which reads no cookie of its own.
  await expect.poll(async () => (await cookie(context, 'affitor_click_id'))?.value).toBeTruthy()
  await page.waitForTimeout(500)
  const seen = await storageCounts(page)
  console.log(`[storage] landing | document.cookie reads ${seen.cookieReads} | cookie writes ${seen.cookieWrites} | localStorage ${seen.localStorage}`)
  expect(seen.cookieReads).toBeLessThanOrEqual(3)
  expect(seen.localStorage).toBe(0)
  expect(seen.cookieWrites).toBeGreaterThan(0)
  expect(await demo.events('click')).toHaveLength(1)
})
