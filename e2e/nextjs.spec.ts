import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { expect, test } from '@playwright/test'
import { startReferenceServer, type ReferenceServer } from '../src/server/server'

// The Next.js example (examples/nextjs) as built by `npm run build:examples`: its layout renders
// <AffitorProvider> from the built affitor-tracker/react, its signup form calls signup() from
// useAffitor(), and the browser's events go through the app's own /_affitor route
// (affitor-tracker/first-party), which forwards them to AFFITOR_API_BASE: a reference server here.
const APP_DIR = fileURLToPath(new URL('../examples/nextjs', import.meta.url))
const NEXT_BIN = fileURLToPath(new URL('../node_modules/next/dist/bin/next', import.meta.url))

// One reference server on a fixed port: the tests of this file run one after the other, in one worker.
test.describe.configure({ mode: 'serial' })

let api: ReferenceServer
let next: ChildProcess
let app: string

/** The events the reference server recorded, oldest first. */
async function events(type: 'click' | 'lead') {
  const response = await fetch(`${api.url}/__affitor/events?type=${type}`)
  return (await response.json()).events as Array<Record<string, any>>
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Fails with the fix when the example was not built, or built for another API base. */
function assertBuilt() {
  if (!existsSync(`${APP_DIR}/.next/BUILD_ID`)) throw new Error('examples/nextjs is not built: run `npm run build:examples` first')
  // The layout, a server component, passes the API base to the provider: it is in the prerendered page.
  const page = readFileSync(`${APP_DIR}/.next/server/app/index.html`, 'utf8')
  if (!page.includes('/_affitor')) throw new Error('examples/nextjs was built with NEXT_PUBLIC_AFFITOR_API_BASE set: run `npm run build:examples` without it')
}

test.beforeAll(async () => {
  test.setTimeout(90_000)
  assertBuilt()
  api = await startReferenceServer({ port: 0 })
  const port = await freePort()
  app = `http://127.0.0.1:${port}`
  // Its own process group, so that teardown ends `next start` and anything it started.
  next = spawn(process.execPath, [NEXT_BIN, 'start', APP_DIR, '-p', String(port), '-H', '127.0.0.1'], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', AFFITOR_API_BASE: api.url },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  })
  const exited = new Promise((_, reject) => next.once('exit', (code) => reject(new Error(`next start exited with ${code}`))))
  await Promise.race([exited, expect.poll(() => fetch(app).then((r) => r.status, () => 0), { timeout: 60_000 }).toBe(200)])
})

test.afterAll(async () => {
  if (next?.pid && next.exitCode == null) process.kill(-next.pid)
  await api?.close()
})

test('the Next.js example records the landing through its own /_affitor route, shows its click id and ties the signup to it', async ({ page }) => {
  const answered = page.waitForResponse((response) => response.url() == `${app}/_affitor/api/v1/track/click`)
  await page.goto(`${app}/?aff=P1`)
  const response = await answered
  await expect.poll(() => events('click'), { timeout: 15_000 }).toHaveLength(1)
  const [click] = await events('click')
  // The app's server set the cookie: host-only here, on an IP address.
  expect(await response.headerValue('set-cookie')).toContain(`affitor_click_id=${click.id}; Path=/; Max-Age=5184000; SameSite=Lax`)
  expect(click.partner_code).toBe('P1')
  expect(click.request).toMatchObject({ affiliate_url: `${app}/?aff=P1`, additional_data: { program_id: '1' } })
  // Rendered by useAffitor() once the click was answered.
  await expect(page.locator('#click-id')).toHaveText(click.id, { timeout: 15_000 })

  // A client-side navigation (Next.js's router, history.pushState): the click is not reported again.
  await page.getByRole('link', { name: 'Sign up' }).click()
  await expect(page).toHaveURL(`${app}/signup`)
  await expect(page.locator('#click-id')).toHaveText(click.id)
  await page.fill('input[name=email]', 'next@shop.test')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.locator('#result')).toContainText('"ok": true', { timeout: 15_000 })
  const { user } = JSON.parse(await page.locator('#result').innerText())
  expect(user.id).toMatch(/^user_/)

  const leads = await events('lead')
  expect(leads).toHaveLength(1)
  expect(leads[0].request).toMatchObject({ customer_key: user.id, email: 'next@shop.test', click_id: click.id, program_id: '1' })
  expect(await events('click')).toHaveLength(1)
})
