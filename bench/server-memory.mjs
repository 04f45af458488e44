/**
 * `node --expose-gc bench/server-memory.mjs <events>`: records `events` events (half clicks,
 * half leads tied to them) through the reference server's request handler, in this process and
 * without sockets, then prints one JSON line: heap and resident set in MiB after a full garbage
 * collection, events per second while recording, and what the store holds.
 */
import { Readable } from 'node:stream'
import { createReferenceHandler } from 'affitor-tracker/reference-server'
import { CLICK } from './server.mjs'

const events = Number(process.argv[2] || 1_000_000)
const { handler, store } = createReferenceHandler({ log: false })

/** One POST through the handler, as Node's server would hand it over; resolves with the answer. */
function post(path, body) {
  const req = Readable.from([Buffer.from(JSON.stringify(body))])
  Object.assign(req, { method: 'POST', url: path, headers: { 'content-type': 'application/json' } })
  return new Promise((resolve, reject) => {
    const res = {
      statusCode: 200,
      headersSent: false,
      writeHead(status) {
        this.statusCode = status
        this.headersSent = true
        return this
      },
      setHeader() {},
      on() {
        return this
      },
      destroy: reject,
      end(text) {
        if (this.statusCode > 299) reject(new Error(`${path} answered ${this.statusCode}: ${text}`))
        else resolve(JSON.parse(text))
      },
    }
    handler(req, res)
  })
}

const started = performance.now()
for (let i = 0; i < events / 2; i++) {
  const click = await post('/api/v1/track/click', { ...CLICK, session_id: `bench_session_${i}` })
  await post('/api/v1/track/lead', { customer_key: `bench_customer_${i}`, email: `c${i}@bench.example`, click_id: click.click_id, program_id: '1' })
}
const seconds = (performance.now() - started) / 1000
globalThis.gc()
const memory = process.memoryUsage()
process.stdout.write(
  JSON.stringify({
    events,
    clicks: store.state.clicks.length,
    leads: store.state.leads.length,
    heapMiB: memory.heapUsed / 2 ** 20,
    rssMiB: memory.rss / 2 ** 20,
    perSecond: events / seconds,
  }) + '\n',
)
