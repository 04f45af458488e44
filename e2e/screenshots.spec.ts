import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { startDemo } from '../examples/demo.mjs'
import { expect, test } from './fixtures'

// Pictures of `npm run demo` for the docs: the app page and the live page after the whole chain
// (click, signup, sale, subscription, renewal, refund), at a desktop and a phone size.
// `npm run screenshots` (AFFITOR_SCREENSHOTS=1) writes them to docs/images/; any other run writes
// them to the test's output directory, so that `npm test` leaves the tree as it was.

const TO_DOCS = process.env.AFFITOR_SCREENSHOTS == '1'
const DOCS_IMAGES = fileURLToPath(new URL('../docs/images/', import.meta.url))
const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
}

/** Signs up `email` on the app page and buys, as a visitor of the page's browser does. */
async function signUpAndBuy(page: Page, email: string) {
  await page.click('text=Start your free trial')
  await page.fill('#email', email)
  await page.click('#signup button')
  const log = page.locator('#log > li > p')
  await expect(log).toHaveCount(2)
  await page.click('#buy')
  await expect(log).toHaveCount(3)
}

test('screenshots of the demo and of the live page after the whole chain', async ({ browser }, testInfo) => {
  // The demo's own seed, as `npm run demo` serves it, and fixed names: only ids and times change between runs.
  const demo = await startDemo({ port: 0 })
  const base = `http://localhost:${demo.port}`
  const path = (name: string) => (TO_DOCS ? DOCS_IMAGES + name : testInfo.outputPath(name))
  if (TO_DOCS) mkdirSync(DOCS_IMAGES, { recursive: true })
  try {
    // Another partner's customer first, so that the totals have two partners to compare.
    const other = await browser.newContext()
    const visitor = await other.newPage()
    await visitor.goto(`${base}/?aff=P2`)
    await expect(visitor.locator('#state-words')).toContainText('Click from partner P2 stored')
    await signUpAndBuy(visitor, 'grace@example.com')
    await other.close()

    const context = await browser.newContext({ viewport: SIZES.desktop })
    const page = await context.newPage()
    await page.goto(`${base}/?aff=DEMO`)
    await expect(page.locator('#state-words')).toContainText('Click from partner DEMO stored')
    await signUpAndBuy(page, 'ada@example.com')
    const log = page.locator('#log > li > p')
    for (const [step, count] of [['#subscribe', 4], ['#renew', 5], ['#refund', 6]] as const) {
      await page.click(step)
      await expect(log).toHaveCount(count)
    }
    await expect(log.last()).toContainText('refunded in full')
    // No focus ring on the last button pressed.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())

    const live = await context.newPage()
    await live.goto(`${base}/__affitor/`)
    await expect(live.locator('#status')).toHaveText('live')
    await expect(live.locator('#totals tbody tr')).toHaveCount(2)
    await expect(live.locator('#chains .badge.refund')).toHaveText(['refunded'])

    for (const [size, viewport] of Object.entries(SIZES)) {
      await page.setViewportSize(viewport)
      // On a phone the steps come first: show the log, what the picture is for.
      await page.evaluate((phone) => (phone ? document.querySelector('.log-card')!.scrollIntoView() : scrollTo(0, 0)), size == 'phone')
      await page.screenshot({ path: path(`demo-${size}.png`), animations: 'disabled', caret: 'hide' })
      await live.setViewportSize(viewport)
      await live.screenshot({ path: path(`live-page-${size}.png`), animations: 'disabled', caret: 'hide' })
    }
    await context.close()
  } finally {
    await demo.close()
  }
})
