import type { BrowserContext, Page } from '@playwright/test'
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

/** Counts the click and lead requests leaving the browser, retries included. */
function countRequests(context: BrowserContext) {
  const sent = { click: 0, lead: 0 }
  context.on('request', (request) => {
    const event = request.url().match(/\/api\/v1\/track\/(click|lead)$/)?.[1] as keyof typeof sent | undefined
    if (event) sent[event]++
  })
  return sent
}

/**
 * Prints the scenario's line of the chaos table: events generated, requests sent (retries and
 * resends included), events stored, and duplicates (stored beyond what was generated). Asserts
 * that every generated event was stored, once.
 */
async function report(demo: Demo, scenario: string, generated: { click: number; lead: number }, sent: { click: number; lead: number }) {
  const stored = { click: (await demo.events('click')).length, lead: (await demo.events('lead')).length }
  const duplicates = Math.max(0, stored.click - generated.click) + Math.max(0, stored.lead - generated.lead)
  console.log(`[chaos] ${scenario} | generated ${generated.click} click, ${generated.lead} lead | requests ${sent.click} click, ${sent.lead} lead | stored ${stored.click} click, ${stored.lead} lead | duplicates ${duplicates}`)
  expect(stored).toEqual(generated)
}

test('endpoint down for a visit: the events wait, and arrive on the next page views of their origins', async ({ page, context, demo }) => {
  const sent = countRequests(context)
  await openPage(page, demo.at('www', '/pricing.html'))
  await page.route(TRACK, (route) => route.abort('connectionrefused'))
  expect(await clickAndSignUp(page, 'down_user')).toMatchObject({ click: { ok: false, queued: true }, lead: { ok: false, queued: true } })
  expect(await demo.events()).toEqual([])

  await page.unroute(TRACK)
  await openPage(page, demo.at('www', '/'))
  await expectExactlyOnce(demo, 'down_user')
  expect((await cookie(context, 'affitor_click_id'))?.value).toBe((await demo.events('click'))[0].id)
  await report(demo, 'endpoint down', { click: 1, lead: 1 }, sent)
})

test('the endpoint answers 500 twice: the click is retried with backoff, and tied to the lead that went first', async ({ page, context, demo }) => {
  const sent = countRequests(context)
  await openPage(page, demo.at('www', '/pricing.html'))
  let failures = 2
  await page.route(TRACK, (route) => (failures-- > 0 ? route.fulfill({ status: 500, json: { error: 'boom' } }) : route.continue()))
  // The click fails twice (on landing, and once more before the lead); the lead itself goes through.
  expect(await clickAndSignUp(page, 'flaky_user')).toMatchObject({ click: { status: 500, queued: true }, lead: { ok: true, status: 200 } })
  await expect.poll(async () => (await demo.events('click')).length, { timeout: 15_000 }).toBe(1)
  await expectExactlyOnce(demo, 'flaky_user')
  await report(demo, '500 twice', { click: 1, lead: 1 }, sent)
})

test('offline, then back online: the events go when the browser reconnects', async ({ page, context, demo }) => {
  const sent = countRequests(context)
  await openPage(page, demo.at('www', '/pricing.html'))
  await context.setOffline(true)
  expect(await clickAndSignUp(page, 'offline_user')).toMatchObject({ click: { ok: false, queued: true }, lead: { ok: false, queued: true } })
  await context.setOffline(false)
  await expectExactlyOnce(demo, 'offline_user')
  await report(demo, 'offline, then online', { click: 1, lead: 1 }, sent)
})

test('8 s of latency on every request: the lead goes after waiting 3 s for the click, and the server ties them', async ({ page, context, demo }) => {
  test.setTimeout(60_000)
  const sent = countRequests(context)
  await openPage(page, demo.at('www', '/pricing.html'))
  await page.route(TRACK, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 8_000))
    await route.continue()
  })
  const started = Date.now()
  const { click, lead } = await clickAndSignUp(page, 'slow_user')
  expect(click).toMatchObject({ ok: true, status: 200 })
  expect(lead).toMatchObject({ ok: true, status: 200 })
  // Both took the latency, within the 10 s timeout; the lead did not wait for the click's answer beyond 3 s.
  expect(Date.now() - started).toBeLessThan(21_000)
  await expectExactlyOnce(demo, 'slow_user')
  expect(sent).toEqual({ click: 1, lead: 1 })
  await report(demo, '8 s latency', { click: 1, lead: 1 }, sent)
})

test('an endpoint that takes the requests and never answers: each attempt gives up after 10 s, signup() resolves, the events go again', async ({ page, context, demo }) => {
  test.setTimeout(90_000)
  const sent = countRequests(context)
  await openPage(page, demo.at('www', '/pricing.html'))
  // The first click and the first lead hang for good; later attempts go through.
  const hung = new Set<string>()
  await page.route(TRACK, async (route) => {
    const event = route.request().url().split('/').pop()!
    if (hung.has(event)) return route.continue()
    hung.add(event)
  })
  const started = Date.now()
  const { click, lead } = await clickAndSignUp(page, 'hung_user')
  expect(click).toMatchObject({ ok: false, status: 0, queued: true, error: 'timeout' })
  expect(lead).toMatchObject({ ok: false, queued: true })
  // The click's 10 s, then the lead's own attempt (which first went through after the retried click) or its 10 s.
  expect(Date.now() - started).toBeLessThan(25_000)
  await expectExactlyOnce(demo, 'hung_user')
  await report(demo, 'never answers', { click: 1, lead: 1 }, sent)
})

test('navigation in the middle of the requests: keepalive finishes them, the next page resends, stored once', async ({ page, context, demo }) => {
  const sent = countRequests(context)
  // Every click and lead answer takes 1.5 s, long after the visitor has moved on.
  await context.route(TRACK, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    await route.continue().catch(() => {})
  })
  await page.goto(demo.at('www', '/pricing.html?aff=P1'))
  // On its way, the click is kept in memory only; leaving the page (pagehide) puts it in the outbox.
  await expect.poll(() => sent.click).toBe(1)
  expect(await page.evaluate(() => localStorage.getItem('affitor_outbox'))).toBeNull()
  // Gone before the click was answered.
  await openPage(page, demo.at('www', '/app.html'))
  await page.evaluate(() => (window as any).affitor.signup('nav_user', 'nav_user@shop.test'))
  // And gone again before the lead was answered: the next page knows nothing about it.
  await page.evaluate(() => {
    ;(window as any).affitor.signup('nav_user_2')
    location.href = '/'
  })
  await page.waitForURL(demo.at('www', '/'))
  await expect.poll(async () => (await demo.events('lead')).length, { timeout: 15_000 }).toBe(2)
  await expect.poll(() => page.evaluate(() => localStorage.getItem('affitor_outbox')), { timeout: 15_000 }).toBeNull()
  const clicks = await demo.events('click')
  expect(clicks).toHaveLength(1)
  const leads = await demo.events('lead')
  expect(leads.map((lead) => lead.customer_key).sort()).toEqual(['nav_user', 'nav_user_2'])
  expect(leads.every((lead) => lead.click_id == clicks[0].id)).toBe(true)
  // Whatever was sent twice (the click on leaving, a lead again from the next page) was stored once.
  await report(demo, 'navigation mid-request', { click: 1, lead: 2 }, sent)
})

test('cookies cleared after the click stay cleared: nothing is written back, and the lead goes without the click', async ({ page, context, demo }) => {
  const sent = countRequests(context)
  await page.goto(demo.at('www', '/pricing.html?aff=P1'))
  await expect.poll(async () => (await cookie(context, 'affitor_click_id'))?.value).toBeTruthy()
  await context.clearCookies()

  await openPage(page, demo.at('www', '/app.html'))
  // The visitor deleted the click: no copy brings it back.
  expect(await cookie(context, 'affitor_click_id')).toBeUndefined()
  expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('affitor_')))).toEqual([])
  await page.evaluate(() => (window as any).affitor.signup('cleared_user'))
  await expect.poll(async () => (await demo.events('lead')).length, { timeout: 15_000 }).toBe(1)
  const [lead] = await demo.events('lead')
  expect(lead.customer_key).toBe('cleared_user')
  expect(lead.click_id ?? null).toBeNull()
  expect(sent).toEqual({ click: 1, lead: 1 })
  await report(demo, 'cookies cleared', { click: 1, lead: 1 }, sent)
})
