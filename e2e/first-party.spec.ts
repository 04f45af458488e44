import { cookie, expect, test } from './fixtures'

// First-party mode: the site's own server (affitor-tracker/first-party, mounted at /_affitor by
// examples/demo.mjs) forwards the tracker's events to the tracking API and sets the click cookie.

test('the click goes through the site\'s own /_affitor endpoint, whose answer sets the cookie with Set-Cookie', async ({ page, context, demo }) => {
  // Every cookie the page's scripts write, from before the tracker runs.
  await page.addInitScript(() => {
    const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!
    const writes: string[] = ((window as any).__cookieWrites = [])
    Object.defineProperty(document, 'cookie', { get: () => cookie.get!.call(document), set: (line: string) => (writes.push(line), cookie.set!.call(document, line)) })
  })
  const preflights: string[] = []
  page.on('request', (request) => request.method() == 'OPTIONS' && preflights.push(request.url()))
  const answered = page.waitForResponse((response) => response.url().endsWith('/_affitor/api/v1/track/click'))
  await page.goto(demo.at('www', '/first-party.html?aff=P1'))
  const response = await answered
  expect(response.status()).toBe(200)
  const { click_id: clickId } = await response.json()
  const setCookie = (await response.headersArray()).filter((header) => header.name.toLowerCase() == 'set-cookie').map((header) => header.value)
  expect(setCookie).toEqual([
    `affitor_click_id=${clickId}; Path=/; Max-Age=${60 * 86_400}; Domain=shop.test; SameSite=Lax`,
    'affitor_partner_code=P1; Path=/; Max-Age=5184000; Domain=shop.test; SameSite=Lax',
  ])
  // Same origin: no CORS preflight.
  expect(preflights).toEqual([])
  const [click] = await demo.events('click')
  expect(click).toMatchObject({ id: clickId, partner_code: 'P1', request: { affiliate_url: demo.at('www', '/first-party.html?aff=P1') } })
  await expect.poll(async () => (await cookie(context, 'affitor_click_id'))?.value).toBe(clickId)
  await expect.poll(() => page.evaluate(() => (window as any).affitor.getClickId())).toBe(clickId)
  // The tracker left the server's cookie as it is: no script wrote either attribution cookie
  // (Safari would have cut the lifetime of one written from script to 7 days).
  const writes: string[] = await page.evaluate(() => (window as any).__cookieWrites)
  expect(writes.filter((line) => /^affitor_(click_id|partner_code)=/.test(line))).toEqual([])
  expect(writes.some((line) => line.startsWith('affitor_session_id='))).toBe(true)
  // One cookie, on the registrable domain, where the tracker would write its own...
  await page.evaluate(() => (window as any).affitor.trackClick())
  const copies = (await context.cookies()).filter((stored) => stored.name == 'affitor_click_id')
  expect(copies.map((stored) => stored.domain)).toEqual(['.shop.test'])
  // ...which a refusal deletes.
  await page.evaluate(() => (window as any).affitor.revokeConsent())
  expect((await context.cookies()).filter((stored) => stored.name.startsWith('affitor_') && stored.name != 'affitor_consent')).toEqual([])
})

test('the cookie is the server\'s own: a page without the tracker that posts a click gets it from Set-Cookie alone', async ({ page, context, demo }) => {
  await page.route('**/dist/affitor-tracker.js', (route) => route.abort())
  await page.goto(demo.at('www', '/pricing.html'))
  const clickId = await page.evaluate(async (url) => {
    const response = await fetch('/_affitor/api/v1/track/click', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ affiliate_url: url }) })
    return (await response.json()).click_id
  }, demo.at('www', '/pricing.html?aff=P2'))
  expect(clickId).toEqual(expect.any(String))
  const stored = await cookie(context, 'affitor_click_id')
  expect(stored).toMatchObject({ value: clickId, domain: '.shop.test', path: '/', httpOnly: false, sameSite: 'Lax' })
  // Set by the server for the window: 60 days from now, to the minute.
  expect(stored!.expires * 1000).toBeGreaterThan(Date.now() + 60 * 86_400_000 - 60_000)
  expect((await cookie(context, 'affitor_partner_code'))?.value).toBe('P2')
})
