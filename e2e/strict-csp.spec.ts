import { fileURLToPath } from 'node:url'
import { STRICT_CSP } from '../examples/demo.mjs'
import { cookie, expect, test } from './fixtures'

// examples/site/strict-csp.html, served with a strict Content-Security-Policy header: no inline
// script, no eval, same-origin requests only. The tracker needs none of what it forbids.

test('under a strict Content-Security-Policy the click and the signup are recorded, with no violation', async ({ page, context, demo }) => {
  await page.addInitScript(() => {
    ;(window as any).violations = []
    document.addEventListener('securitypolicyviolation', (event) => (window as any).violations.push(`${event.violatedDirective} ${event.blockedURI}`))
  })
  const response = await page.goto(demo.at('www', '/strict-csp.html?aff=P1'))
  expect(response!.headers()['content-security-policy']).toBe(STRICT_CSP)
  await expect(page.locator('#state')).toContainText('"partnerCode": "P1"')
  const [click] = await demo.events('click')
  expect((await cookie(context, 'affitor_click_id'))?.value).toBe(click.id)

  expect(await page.evaluate(() => (window as any).affitor.signup('csp_user', 'csp@shop.test'))).toMatchObject({ ok: true })
  expect((await demo.events('lead'))[0]).toMatchObject({ customer_key: 'csp_user', click_id: click.id })
  expect(await page.evaluate(() => (window as any).violations)).toEqual([])

  // The policy is really in force: an inline script added to this page is blocked and reported.
  await page.evaluate(() => {
    const script = document.createElement('script')
    script.textContent = 'window.inlineRan = true'
    document.head.append(script)
  })
  await expect.poll(() => page.evaluate(() => (window as any).violations.length)).toBe(1)
  expect(await page.evaluate(() => (window as any).inlineRan ?? false)).toBe(false)
})

/** The stub exactly as docs/script-tag.md prints it, and the hash a policy allows it by. */
const STUB = 'window.affitor=window.affitor||function(){(window.affitor.q=window.affitor.q||[]).push(arguments)}'
const STUB_HASH = "'sha256-wZoVyJhAHrrX49KzYig0LOnaduMqUcPib39Ii+TPMEE='"
const CDN_FILE = fileURLToPath(new URL('../dist/affitor-tracker.js', import.meta.url))

for (const [allowedBy, source, tag] of [
  ['its hash', STUB_HASH, `<script>${STUB}</script>`],
  ['a nonce', "'nonce-r4nd0m'", `<script nonce="r4nd0m">${STUB}</script>`],
]) {
  test(`the inline stub runs under a strict policy that allows it by ${allowedBy}, and its queued signup is replayed`, async ({ page, demo }) => {
    const policy = `default-src 'none'; script-src 'self' ${source}; connect-src 'self'`
    await page.addInitScript(() => {
      ;(window as any).violations = []
      document.addEventListener('securitypolicyviolation', (event) => (window as any).violations.push(`${event.violatedDirective} ${event.blockedURI}`))
    })
    // The page is made here, with its policy; then the browser treats its origin as public and
    // refuses loopback requests from it: its files and API calls are answered from here too.
    await page.route('**/stub-page.html*', (route) =>
      route.fulfill({
        contentType: 'text/html',
        headers: { 'content-security-policy': policy },
        body: `<!doctype html><head>${tag}<script src="/stub-call.js"></script><script src="/dist/affitor-tracker.js" data-affitor-program-id="1" data-affitor-api-base="/" defer></script></head><body>stub</body>`,
      }),
    )
    // The site's own call to the stub: a same-origin file (inline code would need its own hash).
    await page.route('**/stub-call.js', (route) => route.fulfill({ contentType: 'text/javascript', body: "affitor('signup', 'stub_user', 'stub@shop.test')" }))
    await page.route('**/dist/affitor-tracker.js', (route) => route.fulfill({ path: CDN_FILE, contentType: 'text/javascript' }))
    // Sent from here to the demo on loopback (the fake host resolves only inside Chromium).
    await page.route('**/api/v1/track/**', async (route) => route.fulfill({ response: await route.fetch({ url: route.request().url().replace('www.shop.test', '127.0.0.1') }) }))
    await page.goto(demo.at('www', '/stub-page.html?aff=P2'))
    await expect.poll(async () => (await demo.events('lead')).length).toBe(1)
    const [click] = await demo.events('click')
    expect(click.partner_code).toBe('P2')
    expect((await demo.events('lead'))[0]).toMatchObject({ customer_key: 'stub_user', click_id: click.id })
    expect(await page.evaluate(() => (window as any).violations)).toEqual([])
  })
}

test('a policy without the stub\'s hash or nonce blocks it, and reports the violation', async ({ page, demo }) => {
  await page.addInitScript(() => {
    ;(window as any).violations = []
    document.addEventListener('securitypolicyviolation', (event) => (window as any).violations.push(event.violatedDirective))
  })
  await page.route('**/stub-page.html*', (route) =>
    route.fulfill({ contentType: 'text/html', headers: { 'content-security-policy': "default-src 'none'; script-src 'self'" }, body: `<!doctype html><head><script>${STUB}</script></head><body>stub</body>` }),
  )
  await page.goto(demo.at('www', '/stub-page.html'))
  await expect.poll(() => page.evaluate(() => (window as any).violations)).toEqual(['script-src-elem'])
  expect(await page.evaluate(() => typeof (window as any).affitor)).toBe('undefined')
})
