import { fileURLToPath } from 'node:url'
import { expect, test } from './fixtures'

const DEBUG_FILE = fileURLToPath(new URL('../dist/affitor-tracker.debug.js', import.meta.url))

test('the debug file explains itself with ?affitor_debug=1 and answers getState() for a support ticket', async ({ page, demo }) => {
  // The site's tag, served the debug build as a support engineer would swap it in.
  await page.route('**/dist/affitor-tracker.js', (route) => route.fulfill({ path: DEBUG_FILE, contentType: 'text/javascript' }))
  const logged: string[] = []
  page.on('console', (message) => message.text().startsWith('[affitor]') && logged.push(message.text()))
  await page.goto(demo.at('www', '/?aff=P1&affitor_debug=1'))
  await expect.poll(() => logged).toContain('[affitor] click stored on shop.test')
  expect(logged).toContain('[affitor] partner code P1 reporting')
  expect(logged).toContain('[affitor] cookie domain: shop.test (the broadest domain this browser accepted)')
  const [click] = await demo.events('click')
  const state = await page.evaluate(() => (window as any).affitor.getState())
  expect(state).toMatchObject({ programId: '1', consented: true, cookieDomain: 'shop.test', cookies: { affitor_click_id: click.id, affitor_partner_code: 'P1' }, outbox: [] })
  expect(state.log.map((entry: { message: string }) => entry.message)).toContain('sending click attempt 1')
})

test('the production file logs nothing with ?affitor_debug=1 and has no getState', async ({ page, demo }) => {
  const logged: string[] = []
  page.on('console', (message) => logged.push(message.text()))
  await page.goto(demo.at('www', '/?aff=P1&affitor_debug=1'))
  await expect.poll(async () => (await demo.events('click')).length).toBe(1)
  expect(await page.evaluate(() => typeof (window as any).affitor.getState)).toBe('undefined')
  expect(logged.filter((text) => text.includes('[affitor]'))).toEqual([])
})
