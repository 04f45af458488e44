import { expect, test } from './fixtures'

// The window runs 60 days from the winning click; the server's test clock moves time on.

test('a sale on day 59 is attributed; on day 61 it is recorded unattributed with the reason', async ({ browser, demo }) => {
  for (const customer of ['early_buyer', 'late_buyer']) {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(demo.at('www', '/?aff=P1'))
    await page.waitForFunction(() => !!(window as any).affitor.getClickId?.())
    expect(await page.evaluate((key) => (window as any).affitor.signup(key), customer)).toMatchObject({ ok: true })
    await context.close()
  }

  await demo.advanceDays(59)
  const early = await demo.sale({ transaction_id: 'day_59', amount_cents: 1_000, customer_key: 'early_buyer' })
  expect(early.body).toMatchObject({ attributed: true, partner_code: 'P1' })

  await demo.advanceDays(2)
  const late = await demo.sale({ transaction_id: 'day_61', amount_cents: 1_000, customer_key: 'late_buyer' })
  expect(late.body).toMatchObject({ attributed: false, reason: 'attribution_window_expired', window_days: 60, commission_id: null })
  expect(late.body.click_age_days).toBeGreaterThanOrEqual(61)
})
