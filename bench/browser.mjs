/**
 * The tracker in a real page (Chromium through Playwright): the main-thread time it adds, the
 * storage it touches, and how long after navigation start the attribution is secured.
 *
 * Every page comes from one local server: the built CDN file, the peers' scripts from
 * node_modules, the reference tracking API (answering after an added latency), and an event
 * endpoint for Plausible's tracker. Requests anywhere else (the loaders' vendor CDNs) are
 * refused, so a loader's cost is its own alone.
 */
import { createServer } from 'node:http'
import { chromium } from '@playwright/test'
import { createReferenceHandler } from 'affitor-tracker/reference-server'
import { CHROMIUM_ARGS, chromiumPath, VISITOR_ARGS, VISITOR_USER_AGENT } from '../e2e/chromium.mjs'
import { instrumentStorage, storageCounts } from '../e2e/storage-counts.mjs'
import { median } from './measure.mjs'

/** A mid-range phone, as Lighthouse models one: the CPU four times slower. */
const CPU_SLOWDOWN = 4

/** A marketing page's weight: sections of text and images' boxes, styles, a little script. */
const HEAVY_BODY = Array.from(
  { length: 300 },
  (_, i) => `<section class="card"><h2>Feature ${i}</h2><p>${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4)}</p><div class="img"></div><ul><li>one</li><li>two</li><li>three</li></ul></section>`,
).join('\n')
const HEAVY_HEAD = `<style>.card{display:grid;grid-template-columns:1fr 2fr;gap:8px;padding:12px;border:1px solid #ddd;border-radius:8px;margin:8px}.img{height:80px;background:linear-gradient(#eee,#ccc)}</style>
<script>for (const card of document.querySelectorAll('.card')) card.dataset.seen = '1'</script>`

/**
 * What each variant adds to the page's `<head>`. Plausible's npm package is a complete tracker
 * (it records the page view itself), the like-for-like peer; the other two are loaders.
 */
export const VARIANTS = {
  'no tracker': '',
  'affitor-tracker (script tag)': '<script src="/dist/affitor-tracker.js" data-affitor-program-id="1" data-affitor-api-base="/" defer></script>',
  '@plausible-analytics/tracker (complete)': `<script type="module">import { init } from '/peers/@plausible-analytics/tracker/plausible.js'; init({ domain: 'bench.test', endpoint: '/api/event', captureOnLocalhost: true })</script>`,
  '@dub/analytics (loader)': `<script type="module">import { inject } from '/peers/@dub/analytics/dist/index.js'; inject({})</script>`,
  '@affitor/tracker (loader)': `<script type="module">import { loadAffitor } from '/peers/@affitor/tracker/dist/index.mjs'; loadAffitor(1).catch(() => {})</script>`,
}

/** The page views measured: a landing through a partner link, and a plain page view, on a blank and a heavy page. */
export const VIEWS = [
  { page: 'blank', landing: true },
  { page: 'blank', landing: false },
  { page: 'heavy', landing: true },
  { page: 'heavy', landing: false },
]

function page(variant, heavy) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench</title>${VARIANTS[variant]}${heavy ? HEAVY_HEAD : ''}</head><body>${heavy ? HEAVY_BODY : '<p>blank</p>'}</body></html>`
}

/** The URL of `variant` on `view`'s page. */
export const pageUrl = (origin, variant, { page, landing }) => `${origin}/page?variant=${encodeURIComponent(variant)}&heavy=${page == 'heavy' ? 1 : 0}${landing ? '&aff=DEMO' : ''}`

/** The local origin: pages, built files, peers' loaders, and the API after `latencyMs`. */
export async function startOrigin(latencyMs) {
  const reference = createReferenceHandler({ log: false, static: { '/dist/': 'dist', '/peers/': 'node_modules' } })
  const clicksReceived = []
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost')
    if (url.pathname == '/page') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      return res.end(page(url.searchParams.get('variant'), url.searchParams.get('heavy') == '1'))
    }
    // Plausible's event endpoint, as its server answers a recorded event.
    if (url.pathname == '/api/event') {
      req.resume()
      return setTimeout(() => res.writeHead(202).end('ok'), latencyMs)
    }
    if (url.pathname.startsWith('/api/')) {
      if (url.pathname.endsWith('/track/click')) clicksReceived.push(Date.now())
      return setTimeout(() => reference.handler(req, res), latencyMs)
    }
    reference.handler(req, res)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    clicksReceived,
    close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))),
  }
}

/** Chromium as a visitor's browser: a bot's landing would report no click, and cost less. */
export async function launch() {
  return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...VISITOR_ARGS] })
}

/**
 * Resolves once `page` has had no request in flight for `quietMs` (its scripts and the click they
 * send are done), or after `maxMs`. Playwright's `networkidle` can wait forever on a request that
 * neither finishes nor fails, which a refused third-party script sometimes leaves.
 */
export async function settled(page, { quietMs = 300, maxMs = 10_000 } = {}) {
  let inFlight = 0
  let quietSince = performance.now()
  const start = () => inFlight++
  const end = () => --inFlight || (quietSince = performance.now())
  page.on('request', start)
  page.on('requestfinished', end)
  page.on('requestfailed', end)
  const deadline = performance.now() + maxMs
  while (performance.now() < deadline && (inFlight > 0 || performance.now() - quietSince < quietMs)) await new Promise((resolve) => setTimeout(resolve, 25))
  page.off('request', start).off('requestfinished', end).off('requestfailed', end)
}

/** A fresh context (no cookies, cold cache) whose requests leave only for `origin`. */
export async function freshPage(browser, origin) {
  const context = await browser.newContext({ userAgent: VISITOR_USER_AGENT })
  await context.route((url) => !url.href.startsWith(origin), (route) => route.abort())
  return { context, page: await context.newPage() }
}

/**
 * Main-thread cost: for each page view and variant, `loads` fresh loads with the CPU slowed
 * down; the medians of the renderer's script time (`ScriptDuration`) and of all its tasks
 * (`TaskDuration`), from the DevTools Performance domain, once the page and its requests settled.
 * Resolves with the browser's version and a row per page view and variant.
 */
export async function measurePageCost({ loads = 20 } = {}) {
  const origin = await startOrigin(0)
  const browser = await launch()
  const rows = []
  const version = browser.version()
  try {
    const samples = new Map()
    // Round-robin, not one variant after another: a slow spell of the machine then falls on all alike.
    for (let i = 0; i < loads; i++) {
      for (const view of VIEWS) {
        for (const variant of Object.keys(VARIANTS)) {
          const key = `${view.page}|${view.landing}|${variant}`
          if (!samples.has(key)) samples.set(key, { ...view, variant, script: [], task: [] })
          const { script, task } = samples.get(key)
          const { context, page } = await freshPage(browser, origin.url)
          const cdp = await context.newCDPSession(page)
          await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN })
          await cdp.send('Performance.enable')
          const quiet = settled(page)
          await page.goto(pageUrl(origin.url, variant, view), { waitUntil: 'load' })
          // The click's answer and the cookie writes are part of the cost.
          await quiet
          const { metrics } = await cdp.send('Performance.getMetrics')
          const value = (name) => metrics.find((metric) => metric.name == name).value * 1000
          script.push(value('ScriptDuration'))
          task.push(value('TaskDuration'))
          await context.close()
        }
      }
    }
    for (const { page, landing, variant, script, task } of samples.values()) {
      rows.push({ page, landing, variant, scriptMs: median(script), taskMs: median(task) })
    }
  } finally {
    await browser.close()
    await origin.close()
  }
  // What each variant adds over the same page view without a tracker.
  for (const row of rows) {
    const base = rows.find((other) => other.page == row.page && other.landing == row.landing && other.variant == 'no tracker')
    row.addedScriptMs = row.scriptMs - base.scriptMs
    row.addedTaskMs = row.taskMs - base.taskMs
  }
  return { browser: `Chromium ${version}`, rows }
}

/**
 * Storage touched: `document.cookie` reads and writes and `localStorage` accesses, counted
 * through instrumented accessors on a blank page, for a landing and a plain page view of each
 * complete tracker, once its requests settled. Counts do not vary from load to load: one each.
 */
export async function measureStorageUse() {
  const origin = await startOrigin(0)
  const browser = await launch()
  const rows = []
  try {
    for (const landing of [true, false]) {
      for (const variant of ['affitor-tracker (script tag)', '@plausible-analytics/tracker (complete)']) {
        const { context, page } = await freshPage(browser, origin.url)
        await page.addInitScript(instrumentStorage)
        const quiet = settled(page)
        await page.goto(pageUrl(origin.url, variant, { page: 'blank', landing }), { waitUntil: 'load' })
        await quiet
        rows.push({ landing, variant, ...(await storageCounts(page)) })
        await context.close()
      }
    }
  } finally {
    await browser.close()
    await origin.close()
  }
  return rows
}

/**
 * Time to attribution: a landing with `?aff=DEMO` on a blank page, the API answering after
 * `latencyMs`; from navigation start to the click reaching the server, and to the cookie
 * `affitor_click_id` being set. Medians of `loads` fresh loads, CPU not slowed.
 */
export async function measureAttributionTime({ loads = 20, latencyMs = 100 } = {}) {
  const origin = await startOrigin(latencyMs)
  const browser = await launch()
  const toServer = []
  const toCookie = []
  try {
    for (let i = 0; i < loads; i++) {
      const { context, page } = await freshPage(browser, origin.url)
      // Watches for the cookie from before the page's own scripts: the moment it is written.
      await page.addInitScript(() => {
        const seen = () => (window.__clickCookieAt ??= performance.now())
        if (window.cookieStore) cookieStore.addEventListener('change', (event) => event.changed.some((cookie) => cookie.name == 'affitor_click_id') && seen())
        else setInterval(() => document.cookie.includes('affitor_click_id=') && seen(), 1)
      })
      const before = origin.clicksReceived.length
      await page.goto(pageUrl(origin.url, 'affitor-tracker (script tag)', { page: 'blank', landing: true }))
      await page.waitForFunction(() => window.__clickCookieAt !== undefined, null, { timeout: 10_000 })
      const { cookieAt, timeOrigin } = await page.evaluate(() => ({ cookieAt: window.__clickCookieAt, timeOrigin: performance.timeOrigin }))
      toCookie.push(cookieAt)
      toServer.push(origin.clicksReceived[before] - timeOrigin)
      await context.close()
    }
  } finally {
    await browser.close()
    await origin.close()
  }
  return { latencyMs, loads, toServerMs: median(toServer), toCookieMs: median(toCookie) }
}
