import { expect, PROGRAM, test, type Demo } from './fixtures'
import type { Page } from '@playwright/test'

// A subscription bought through Stripe Checkout: the first payment arrives as
// checkout.session.completed, each renewal as invoice.paid. Renewals carry only the
// subscription's metadata, which Stripe fills from subscription_data.metadata, never from the session's.

/** A visitor lands through P1 and signs up as `customerKey`; answers the stored click id. */
async function attributedSignup(page: Page, demo: Demo, customerKey: string) {
  await page.goto(demo.at('www', '/?aff=P1'))
  await expect.poll(() => demo.events('click')).toHaveLength(1)
  await page.goto(demo.at('app', '/'))
  await page.waitForFunction(() => typeof (window as any).affitor.signup == 'function')
  const clickId = await page.evaluate(() => (window as any).affitor.getClickId())
  expect(await page.evaluate((key) => (window as any).affitor.signup(key, `${key}@shop.test`), customerKey)).toMatchObject({ ok: true })
  return clickId as string
}

function checkout(customerKey: string, clickId: string, subscriptionMetadata: boolean) {
  const metadata = { affitor_customer_key: customerKey, affitor_click_id: clickId, program_id: String(PROGRAM.id) }
  const subscription = `sub_${customerKey}`
  return {
    session: {
      id: `cs_${customerKey}`, object: 'checkout.session', mode: 'subscription', amount_total: 2_900, currency: 'usd',
      subscription, payment_intent: null, metadata,
    },
    renewal: {
      id: `in_${customerKey}_2`, object: 'invoice', billing_reason: 'subscription_cycle', amount_paid: 2_900, currency: 'usd',
      subscription,
      parent: { type: 'subscription_details', subscription_details: { subscription, metadata: subscriptionMetadata ? metadata : {} } },
    },
  }
}

test('with subscription_data.metadata, the first payment and the renewal are both attributed', async ({ page, demo }) => {
  const clickId = await attributedSignup(page, demo, 'user_sub')
  const { session, renewal } = checkout('user_sub', clickId, true)
  expect(await demo.stripe('checkout.session.completed', session)).toMatchObject({ status: 200 })
  expect(await demo.stripe('invoice.paid', renewal)).toMatchObject({ status: 200 })

  const sales = await demo.events('sale')
  expect(sales).toHaveLength(2)
  expect(sales.map((sale) => [sale.attributed, sale.partner_code, sale.amount_cents])).toEqual([[true, 'P1', 2_900], [true, 'P1', 2_900]])
})

test('without subscription_data.metadata, the renewal is recorded but not attributed', async ({ page, demo }) => {
  const clickId = await attributedSignup(page, demo, 'user_nometa')
  const { session, renewal } = checkout('user_nometa', clickId, false)
  await demo.stripe('checkout.session.completed', session)
  await demo.stripe('invoice.paid', renewal)

  const sales = await demo.events('sale')
  expect(sales.map((sale) => sale.attributed)).toEqual([true, false])
  expect(sales[1].partner_code ?? null).toBeNull()
})
