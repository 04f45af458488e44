/**
 * The reference server under load: events per second and latency for click and lead over
 * loopback (autocannon, a bounded number of connections for a bounded time, against the server
 * in a process of its own), and its memory once it holds a million events.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const SERVER_CLI = fileURLToPath(new URL('../dist/server/cli.js', import.meta.url))
const MEMORY_WORKER = fileURLToPath(new URL('./server-memory.mjs', import.meta.url))

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

/** Starts `dist/server/cli.js` on a free port, quiet; resolves with its URL and a stop. */
async function startServerProcess() {
  const child = spawn(process.execPath, [SERVER_CLI, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] })
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

/**
 * Click, then lead (each a new customer, tied to a recorded click), `seconds` each with
 * `connections` keep-alive connections. One row per event: requests per second (mean),
 * latency p50 and p99 in ms, the responses that were not 2xx, and errors.
 */
export async function measureServerLoad({ seconds = 10, connections = 32 } = {}) {
  const server = await startServerProcess()
  try {
    const post = (path, setupRequest) =>
      load({
        url: server.url,
        connections,
        duration: seconds,
        requests: [{ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(CLICK), ...(setupRequest && { setupRequest }) }],
      })
    const click = await post('/api/v1/track/click')
    const clickId = (await (await fetch(`${server.url}/api/v1/track/click`, { method: 'POST', body: JSON.stringify(CLICK) })).json()).click_id
    let customer = 0
    const lead = await post('/api/v1/track/lead', (request) => ({
      ...request,
      body: JSON.stringify({ customer_key: `bench_customer_${++customer}`, email: `c${customer}@bench.example`, click_id: clickId, program_id: '1' }),
    }))
    const row = (event, result) => ({
      event,
      perSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      total: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
    })
    return [row('click', click), row('lead', lead)]
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
