/**
 * The reference server under load: events per second and latency for click and lead over
 * loopback (autocannon, a bounded number of connections for a bounded time, against the server
 * in a process of its own) in memory and with its event log, beside a bare Node server as the
 * ceiling of this machine; a click's latency with the live page open at 100,000 events; and its
 * memory once it holds a million events.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const SERVER_CLI = fileURLToPath(new URL('../dist/server/cli.js', import.meta.url))
const MEMORY_WORKER = fileURLToPath(new URL('./server-memory.mjs', import.meta.url))
const BARE_SERVER = fileURLToPath(new URL('./bare-server.mjs', import.meta.url))

/** A click for partner P1 of the demo program, as the browser tracker sends it. */
export const CLICK = {
  affiliate_url: 'http://localhost:3000/pricing?aff=P1',
  page_url: 'http://localhost:3000/pricing?aff=P1',
  page_title: 'Pricing',
  referrer_url: 'https://news.example/',
  user_agent: 'Mozilla/5.0 (bench)',
  screen_resolution: '1920x1080',
  viewport_size: '1280x800',
  language: 'en-US',
  timezone: 'Europe/Paris',
  session_id: 'bench_session',
  additional_data: { program_id: '1' },
}

/** Starts `dist/server/cli.js` (or, `bare`, the ceiling below) on a free port, quiet; resolves with its URL and a stop. */
async function startServerProcess(args = [], bare = false) {
  const child = spawn(process.execPath, bare ? [BARE_SERVER] : [SERVER_CLI, '--port', '0', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  for await (const chunk of child.stdout) {
    out += chunk
    const url = out.match(/listening on (http:\/\/\S+)/)?.[1]
    if (url) return { url, stop: () => (child.kill(), once(child, 'exit')) }
  }
  throw new Error(`the reference server did not start: ${out}`)
}

/** Runs autocannon with these options; resolves with its result. */
function load(options) {
  return new Promise((resolve, reject) => autocannon(options, (error, result) => (error ? reject(error) : resolve(result))))
}

/** How the server keeps what it records, and the ceiling it is compared with. */
export const SERVER_MODES = [
  { name: 'a bare Node HTTP server (the ceiling: reads and parses the body, answers JSON, stores nothing)', bare: true },
  { name: 'in memory', args: () => [] },
  { name: 'event log (`--data`)', args: (file) => ['--data', file] },
  { name: 'event log, durable (`--data --durable`: fdatasync before answering)', args: (file) => ['--data', file, '--durable'] },
]

/** Sends clicks (then leads, each a new customer tied to a recorded click) for `seconds` each. */
async function clicksAndLeads(url, { seconds, connections }) {
  const post = (path, setupRequest) =>
    load({
      url,
      connections,
      duration: seconds,
      requests: [{ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(CLICK), ...(setupRequest && { setupRequest }) }],
    })
  const click = await post('/api/v1/track/click')
  const clickId = (await (await fetch(`${url}/api/v1/track/click`, { method: 'POST', body: JSON.stringify(CLICK) })).json()).click_id
  let customer = 0
  const lead = await post('/api/v1/track/lead', (request) => ({
    ...request,
    body: JSON.stringify({ customer_key: `bench_customer_${++customer}`, email: `c${customer}@bench.example`, click_id: clickId, program_id: '1' }),
  }))
  return { click, lead }
}

/**
 * Clicks and leads per second in each of {@link SERVER_MODES}, the modes taken round-robin
 * `rounds` times (`seconds` per event each time, `connections` keep-alive connections), each
 * on a fresh server: one row per mode and event, with requests per second (mean of the
 * rounds), latency p50 and p99 in ms (worst round), the responses that were not 2xx, and errors.
 */
export async function measureServerLoad({ seconds = 5, connections = 32, rounds = 2 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'affitor-bench-'))
  const results = SERVER_MODES.map(() => ({ click: [], lead: [] }))
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [i, mode] of SERVER_MODES.entries()) {
        const file = join(dir, `data-${round}-${i}.jsonl`)
        const server = await startServerProcess(mode.bare ? [] : mode.args(file), mode.bare)
        try {
          const { click, lead } = await clicksAndLeads(server.url, { seconds, connections })
          results[i].click.push(click)
          results[i].lead.push(lead)
        } finally {
          await server.stop()
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const row = (mode, event, runs) => ({
    mode: mode.name,
    event,
    perSecond: runs.reduce((sum, run) => sum + run.requests.average, 0) / runs.length,
    p50Ms: Math.max(...runs.map((run) => run.latency.p50)),
    p99Ms: Math.max(...runs.map((run) => run.latency.p99)),
    total: runs.reduce((sum, run) => sum + run.requests.total, 0),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
  })
  return SERVER_MODES.flatMap((mode, i) => [row(mode, 'click', results[i].click), row(mode, 'lead', results[i].lead)])
}

/**
 * A click's latency with `events` stored (half clicks, half leads, each its own chain), with the live page closed
 * and open, taken round-robin `rounds` times for `seconds` each: the page is played by
 * `pages` clients doing what it does (`GET /__affitor/chains?limit=50&since=<version>` every
 * second). Also the size and time of one such request at that size.
 */
export async function measureLivePage({ events = 100_000, seconds = 5, connections = 32, rounds = 2, pages = 3 } = {}) {
  const server = await startServerProcess([])
  try {
    const fill = (path, amount, setupRequest) =>
      load({ url: server.url, connections, amount, requests: [{ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(CLICK), ...(setupRequest && { setupRequest }) }] })
    // Each click a visitor of its own, each lead a customer no click reached: as many chains as events.
    await fill('/api/v1/track/click', events / 2)
    let customer = 0
    await fill('/api/v1/track/lead', events / 2, (request) => ({ ...request, body: JSON.stringify({ customer_key: `live_${++customer}`, program_id: '1' }) }))
    const started = performance.now()
    const first = await (await fetch(`${server.url}/__affitor/chains?limit=50`)).text()
    const pageMs = performance.now() - started
    // The first request counts the totals once; every later one follows the changes.
    const again = performance.now()
    await (await fetch(`${server.url}/__affitor/chains?limit=50`)).text()
    const nextPageMs = performance.now() - again
    const clicks = () => load({ url: server.url, connections, duration: seconds, requests: [{ method: 'POST', path: '/api/v1/track/click', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CLICK) }] })
    const idle = []
    const open = []
    let polls = 0
    for (let round = 0; round < rounds; round++) {
      idle.push(await clicks())
      let stop = false
      const page = async () => {
        let version = ''
        while (!stop) {
          const body = await (await fetch(`${server.url}/__affitor/chains?limit=50${version !== '' ? `&since=${version}` : ''}`)).json()
          version = body.version
          polls++
          await new Promise((resolve) => setTimeout(resolve, 1000))
        }
      }
      const running = Array.from({ length: pages }, page)
      open.push(await clicks())
      stop = true
      await Promise.all(running)
    }
    const p99 = (runs) => Math.max(...runs.map((run) => run.latency.p99))
    return { events, pages, polls, pageBytes: Buffer.byteLength(first), pageMs, nextPageMs, idleP99Ms: p99(idle), openP99Ms: p99(open), idlePerSecond: idle.reduce((sum, run) => sum + run.requests.average, 0) / rounds, openPerSecond: open.reduce((sum, run) => sum + run.requests.average, 0) / rounds }
  } finally {
    await server.stop()
  }
}

/**
 * Memory with `events` stored (half clicks, half leads each tied to a click), recorded through
 * the server's request handler in a process of its own: heap and resident set after a full
 * garbage collection, and how long recording them took.
 */
export async function measureServerMemory({ events = 1_000_000 } = {}) {
  const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=8192', MEMORY_WORKER, String(events)], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  for await (const chunk of child.stdout) out += chunk
  const [code] = await once(child, 'exit').catch(() => [child.exitCode])
  if (child.exitCode ?? code) throw new Error(`the memory run failed: ${out}`)
  return JSON.parse(out)
}
