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
