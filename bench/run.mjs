/**
 * `npm run bench` (builds first): measures size, main-thread cost, time to attribution and the
 * reference server in one run on this machine, and prints one Markdown table, the one
 * bench/RESULTS.md records.
 *
 *   node bench/run.mjs [--loads 20] [--seconds 5] [--rounds 2] [--connections 32] [--live-events 100000] [--events 1000000]
 *
 * Smaller numbers give a quick look; the defaults are what the results are measured with.
 */
import { parseArgs } from 'node:util'
import { measureAttributionTime, measurePageCost, measureStorageUse, VIEWS } from './browser.mjs'
import { machine, round } from './measure.mjs'
import { measureLivePage, measureServerLoad, measureServerMemory, SERVER_MODES } from './server.mjs'
import { measureSizes, PEERS } from './size.mjs'

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    'live-events': { type: 'string', default: '100000' },
    connections: { type: 'string', default: '32' },
    events: { type: 'string', default: '1000000' },
  },
})
const loads = Number(values.loads)
const seconds = Number(values.seconds)
const rounds = Number(values.rounds)
const liveEvents = Number(values['live-events'])
const connections = Number(values.connections)
const events = Number(values.events)

/** Runs one measurement, saying on stderr what it is doing and how long it took. */
async function step(name, run) {
  const started = performance.now()
  process.stderr.write(`${name}…`)
  const result = await run()
  process.stderr.write(` ${round((performance.now() - started) / 1000)} s\n`)
  return result
}

const sizeRows = await step('size', measureSizes)
const { browser, rows: pageRows } = await step(`main thread, ${loads} loads per page and script`, () => measurePageCost({ loads }))
const storage = await step('storage touched per page view', measureStorageUse)
const attribution = await step(`time to attribution, ${loads} landings`, () => measureAttributionTime({ loads }))
const serverRows = await step(`reference server, ${rounds} rounds of ${seconds} s per event and mode`, () => measureServerLoad({ seconds, connections, rounds }))
const live = await step(`reference server with ${liveEvents} events and the live page`, () => measureLivePage({ events: liveEvents, seconds, connections, rounds }))
const memory = await step(`reference server memory, ${events} events`, () => measureServerMemory({ events }))

// Columns: ours, then each peer.
const peers = PEERS.map((peer) => peer.name)
const header = ['Measure', 'affitor-tracker', ...sizeRows.slice(2).map((row) => row.what.split(':')[0])]
const rows = []
const bytes = (row) => `${row.raw} / ${row.gzip} / **${row.brotli}**`
const ratio = (ours, theirs) => `×${round(ours / theirs, 2)}`

const [cdn, npm, ...peerSizes] = sizeRows
rows.push(['Size, CDN file: raw / gzip / brotli (B)', bytes(cdn), ...peers.map(() => 'none on npm')])
rows.push([
  'Size, smallest npm import, bundled and minified: raw / gzip / brotli (B); ours/theirs (brotli)',
  bytes(npm),
  ...PEERS.map((peer, i) => `${bytes(peerSizes[i])}; ${ratio(npm.brotli, peerSizes[i].brotli)}${peer.complete ? ' (complete tracker: like for like)' : " (a loader only: its tracker comes from the vendor's CDN, not counted)"}`),
])
const plausible = '@plausible-analytics/tracker (complete)'
for (const view of VIEWS) {
  const find = (variant) => pageRows.find((row) => row.page == view.page && row.landing == view.landing && row.variant == variant)
  const cell = (variant) => `${round(find(variant).addedScriptMs)} / ${round(find(variant).addedTaskMs)}`
  const base = find('no tracker')
  const ours = find('affitor-tracker (script tag)')
  rows.push([
    `Main thread added, ${view.landing ? 'landing with ?aff=' : 'plain page view'} on a ${view.page} page, CPU ×4, median of ${loads}: script / all tasks (ms); the page alone: ${round(base.scriptMs)} / ${round(base.taskMs)}`,
    `${cell('affitor-tracker (script tag)')}; ours/Plausible (script): **${ratio(ours.addedScriptMs, find(plausible).addedScriptMs)}**`,
    ...PEERS.map((peer) => (peer.complete ? cell(plausible) : `${cell(`${peer.name} (loader)`)} (loader only)`)),
  ])
}
const counted = (variant, landing) => {
  const row = storage.find((candidate) => candidate.variant == variant && candidate.landing == landing)
  return `${row.cookieReads} / ${row.cookieWrites} / ${row.localStorage}`
}
rows.push([
  'Storage touched on a blank page: `document.cookie` reads / cookie writes / `localStorage` accesses, landing; plain page view',
  `${counted('affitor-tracker (script tag)', true)}; ${counted('affitor-tracker (script tag)', false)}`,
  ...PEERS.map((peer) => (peer.complete ? `${counted(plausible, true)}; ${counted(plausible, false)}` : 'not measured (loader)')),
])
rows.push([
  `Time to attribution, ${attribution.latencyMs} ms added server latency, median of ${attribution.loads}: navigation start → click at the server / → cookie set (ms)`,
  `${round(attribution.toServerMs)} / ${round(attribution.toCookieMs)}`,
  ...peers.map(() => 'their tracker is not on npm'),
])
const ceiling = (event) => serverRows.find((row) => row.event == event && row.mode == SERVER_MODES[0].name)
for (const row of serverRows) {
  const ofCeiling = row.mode == SERVER_MODES[0].name ? '' : `; ×${round(row.perSecond / ceiling(row.event).perSecond, 2)} of the bare server`
  rows.push([
    `Reference server, ${row.event}, ${row.mode}: events/s, p50 / p99 latency (ms), ${connections} connections, ${rounds} rounds of ${seconds} s round-robin`,
    `${round(row.perSecond, 0)}/s, ${row.p50Ms} / ${row.p99Ms} (${row.total} requests, ${row.non2xx} not 2xx, ${row.errors} errors)${ofCeiling}`,
    ...peers.map(() => 'n/a'),
  ])
}
rows.push([
  `Reference server, a click's p99 latency with ${live.events} events stored: live page closed / open (${live.pages} pages polling every second, ${live.polls} polls) (ms); one page of chains: bytes, ms first / next`,
  `${live.idleP99Ms} / ${live.openP99Ms} (×${round(live.openP99Ms / live.idleP99Ms, 2)}); ${live.pageBytes} B, ${round(live.pageMs, 0)} / ${round(live.nextPageMs, 0)} ms`,
  ...peers.map(() => 'n/a'),
])
rows.push([
  `Reference server memory with ${memory.clicks} clicks and ${memory.leads} leads stored: heap / RSS (MiB), heap per stored event (B); recording rate in process`,
  `${round(memory.heapMiB, 0)} / ${round(memory.rssMiB, 0)}, ${round((memory.heapMiB * 2 ** 20) / memory.events, 0)} B; ${round(memory.perSecond, 0)} events/s`,
  ...peers.map(() => 'n/a'),
])

const line = (cells) => `| ${cells.join(' | ')} |`
console.log(`Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, ${browser} through Playwright.\n`)
console.log([line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n'))
