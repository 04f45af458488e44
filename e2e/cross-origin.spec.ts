import { cookie, expect, test } from './fixtures'

// The hosted setup: the site on www.shop.test, the tracking API on another origin
// (api.shop.test). JSON POSTs across origins need a CORS preflight, which the server answers
// only for the program's allowed origins.

/**
 * Opens the SPA page without its own script: only the import map that resolves the npm build
 * stays, so that the page's tracker (which follows every navigation to a partner code) does
 * not report to its own origin alongside the tracker under test.
 */
async function openShell(page: import('@playwright/test').Page, url: string) {
  await page.route('**/spa/main.js', (route) => route.fulfill({ contentType: 'text/javascript', body: '' }))
  await page.goto(url)
}

/** Starts an npm tracker in the SPA page with the API on `api.shop.test`, as `?aff=code`. */
async function trackAcrossOrigins(page: import('@playwright/test').Page, apiBase: string, code: string) {
  return page.evaluate(
    async ([apiBase, code]) => {
      history.replaceState(null, '', `/spa/?aff=${code}`)
      const { createTracker } = await import('affitor-tracker' as string)
      const tracker = createTracker({ programId: 1, apiBase, autoTrack: false })
      const click = await tracker.trackClick()
      const lead = click.ok ? await tracker.signup('cross_user', 'cross@shop.test') : null
      return { click, lead }
    },
    [apiBase, code],
  )
}

test('a page on an allowed origin reports to an API on another origin through CORS (a preflighted JSON POST)', async ({ page, context, demo }) => {
  const allowed: Array<string | undefined> = []
  page.on('response', (response) => response.url().includes('/api/v1/track/') && allowed.push(response.headers()['access-control-allow-origin']))
  await openShell(page, demo.at('www', '/spa/'))
  const { click, lead } = await trackAcrossOrigins(page, `http://api.shop.test:${demo.port}`, 'P2')
  expect(click).toMatchObject({ ok: true, status: 200, data: { partner_code: 'P2' } })
  expect(lead).toMatchObject({ ok: true, status: 200 })
  expect((await demo.events('click'))[0].partner_code).toBe('P2')
  expect((await demo.events('lead'))[0]).toMatchObject({ customer_key: 'cross_user', click_id: click.data.click_id })
  expect((await cookie(context, 'affitor_click_id'))?.value).toBe(click.data.click_id)
  const origin = new URL(demo.at('www')).origin
  expect(allowed).toEqual([origin, origin])
})

test('a page on an origin the program does not allow gets nothing through', async ({ page, demo }) => {
  await openShell(page, `http://evil.shop.co.uk:${demo.port}/spa/`)
  const { click } = await trackAcrossOrigins(page, `http://api.shop.test:${demo.port}`, 'P1')
  expect(click).toMatchObject({ ok: false, status: 0 })
  expect(await demo.events()).toEqual([])
})
