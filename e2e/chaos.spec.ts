import type { Page } from '@playwright/test'
import { cookie, expect, test, type Demo } from './fixtures'

// Faults injected between the page and the tracking API. Whatever happens, every click and
// lead the visitor generated reaches the server exactly once (the server stores an event id once).
// Retries come from the origin that queued the event: localStorage is per origin.

const TRACK = '**/api/v1/track/**'

/** On `page` (loaded, no partner code), the visitor arrives through P1 and signs up as `customer`. */
async function clickAndSignUp(page: Page, customer: string) {
  return page.evaluate(async (key) => {
    const affitor = (window as any).affitor
    history.replaceState(null, '', location.pathname + '?aff=P1')
    const click = await affitor.trackClick()
    const lead = await affitor.signup(key, `${key}@shop.test`)
    return { click, lead }
  }, customer)
}

async function openPage(page: Page, url: string) {
  await page.goto(url)
  await page.waitForFunction(() => typeof (window as any).affitor?.signup == 'function')
}

/** What the server stored: one click and one lead, each once, the lead tied to the click. */
async function expectExactlyOnce(demo: Demo, customer: string) {
  await expect.poll(async () => (await demo.events('lead')).length, { timeout: 15_000 }).toBe(1)
  const clicks = await demo.events('click')
  const [lead] = await demo.events('lead')
  expect(clicks).toHaveLength(1)
  expect(lead).toMatchObject({ customer_key: customer, click_id: clicks[0].id })
}

test('endpoint down for a visit: the events wait, and arrive on the next page views of their origins', async ({ page, context, demo }) => {
  await openPage(page, demo.at('www', '/pricing.html'))
  await page.route(TRACK, (route) => route.abort('connectionrefused'))
  expect(await clickAndSignUp(page, 'down_user')).toMatchObject({ click: { ok: false, queued: true }, lead: { ok: false, queued: true } })
  expect(await demo.events()).toEqual([])

  await page.unroute(TRACK)
  await openPage(page, demo.at('www', '/'))
  await expectExactlyOnce(demo, 'down_user')
  expect((await cookie(context, 'affitor_click_id'))?.value).toBe((await demo.events('click'))[0].id)
})

test('the endpoint answers 500 twice: the click is retried with backoff, and tied to the lead that went first', async ({ page, demo }) => {
  await openPage(page, demo.at('www', '/pricing.html'))
  let failures = 2
  await page.route(TRACK, (route) => (failures-- > 0 ? route.fulfill({ status: 500, json: { error: 'boom' } }) : route.continue()))
  // The click fails twice (on landing, and once more before the lead); the lead itself goes through.
  expect(await clickAndSignUp(page, 'flaky_user')).toMatchObject({ click: { status: 500, queued: true }, lead: { ok: true, status: 200 } })
  await expect.poll(async () => (await demo.events('click')).length, { timeout: 15_000 }).toBe(1)
  await expectExactlyOnce(demo, 'flaky_user')
})

test('offline, then back online: the events go when the browser reconnects', async ({ page, context, demo }) => {
  await openPage(page, demo.at('www', '/pricing.html'))
  await context.setOffline(true)
  expect(await clickAndSignUp(page, 'offline_user')).toMatchObject({ click: { ok: false, queued: true }, lead: { ok: false, queued: true } })
  await context.setOffline(false)
  await expectExactlyOnce(demo, 'offline_user')
})
