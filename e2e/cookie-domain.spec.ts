import { cookie, expect, test } from './fixtures'

// The broadest cookie domain the browser accepts, probed in real Chromium with its public
// suffix list: never a public suffix, host-only on localhost and IP addresses.

const cases: Array<[host: string, domain: string]> = [
  ['www.shop.test', '.shop.test'],
  ['www.shop.co.uk', '.shop.co.uk'],
  ['acme.github.io', '.acme.github.io'],
  ['docs.acme.github.io', '.acme.github.io'],
  ['localhost', 'localhost'],
  ['127.0.0.1', '127.0.0.1'],
]

for (const [host, domain] of cases) {
  test(`on ${host} the click cookie lands on ${domain}`, async ({ page, context, demo }) => {
    await page.goto(`http://${host}:${demo.port}/?aff=P1`)
    await expect.poll(async () => (await cookie(context, 'affitor_click_id'))?.domain).toBe(domain)
    const names = (await context.cookies()).map((c) => c.name)
    expect(names).not.toContain('affitor_probe')
  })
}
