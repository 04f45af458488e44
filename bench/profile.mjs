/**
 * Where a tracker's main-thread time goes: Chromium's sampling CPU profiler (DevTools `Profiler`
 * domain) over fresh loads of one variant of the benchmark's page, CPU slowed four times; prints
 * each function's self time per load, ours by their position in the minified file (with the code
 * there, to recognise it) and the browser's by name (`fetch`, `get Temporal`).
 *
 *   node bench/profile.mjs [--variant "affitor-tracker (script tag)"] [--plain] [--heavy] [--loads 8]
 *
 * Run `npm run build` first.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { freshPage, launch, pageUrl, settled, startOrigin, VARIANTS } from './browser.mjs'

const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'affitor-tracker (script tag)' },
    plain: { type: 'boolean', default: false },
    heavy: { type: 'boolean', default: false },
    loads: { type: 'string', default: '8' },
  },
})
if (!(values.variant in VARIANTS)) throw new Error(`--variant is one of: ${Object.keys(VARIANTS).join(', ')}`)
const loads = Number(values.loads)
const view = { page: values.heavy ? 'heavy' : 'blank', landing: !values.plain }
const ours = readFileSync('dist/affitor-tracker.js', 'utf8').split('\n')

const origin = await startOrigin(0)
const browser = await launch()
const selfMs = new Map()
try {
  for (let i = 0; i < loads; i++) {
    const { context, page } = await freshPage(browser, origin.url)
    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: 50 })
    await cdp.send('Profiler.start')
    const quiet = settled(page)
    await page.goto(pageUrl(origin.url, values.variant, view), { waitUntil: 'load' })
    await quiet
    const { profile } = await cdp.send('Profiler.stop')
    const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]))
    profile.samples.forEach((id, k) => {
      const frame = nodes.get(id)
      if (['(idle)', '(program)', '(root)'].includes(frame.functionName)) return
      const file = frame.url.split('/').pop()
      const code = file == 'affitor-tracker.js' ? ' ' + (ours[frame.lineNumber] || '').slice(frame.columnNumber, frame.columnNumber + 60) : ''
      const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber}:${frame.columnNumber}${code}`
      selfMs.set(key, (selfMs.get(key) || 0) + (profile.timeDeltas[k] || 0) / 1000 / loads)
    })
    await context.close()
  }
} finally {
  await browser.close()
  await origin.close()
}
const total = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0)
console.log(`${values.variant}, ${view.landing ? 'landing' : 'plain page view'} on a ${view.page} page, CPU ×4, ${loads} loads: ${total.toFixed(1)} ms of sampled script per load`)
for (const [key, ms] of [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(ms.toFixed(2).padStart(7), key)
