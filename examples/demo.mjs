/**
 * `npm run demo`: the reference tracking server and the example site on one port.
 *
 * One origin serves the marketing site (`examples/site`, the CDN bundle by script tag), the
 * single-page app (`examples/spa`, the npm build as ES modules), the site's example backend
 * (`examples/backend.mjs`) and the tracking API with its live page at `/__affitor/`.
 *
 * Run it: `npm run demo` (builds first), or `node examples/demo.mjs [--port 4700] [--allowed-host <name>]`
 * after a build; `--allowed-host` (repeatable) for a name it is reached by through a tunnel or a
 * forwarded port, which the reference server otherwise refuses.
 * Tests import `startDemo({ port: 0, seed })`.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createFirstPartyHandler, toNodeHandler } from 'affitor-tracker/first-party'
import { createLimitedServer, createReferenceHandler } from 'affitor-tracker/reference-server'
import { createExampleBackend } from './backend.mjs'

const here = dirname(fileURLToPath(import.meta.url))

/** The policy `/strict-csp.html` is served with: same-origin files only, nothing inline, no eval. */
export const STRICT_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; base-uri 'none'; form-action 'self'"

/**
 * Starts the demo.
 * @param {{ port?: number, host?: string, seed?: object | string, testClock?: boolean, dataFile?: string, log?: false | ((line: string) => void), pages?: Record<string, string>, allowedHosts?: string[] }} [options]
 *   `port` 0 picks a free one; `seed` defaults to the reference server's demo seed; `pages`
 *   serves more folders, by path prefix (the end-to-end tests' own pages); `allowedHosts`, the
 *   reference server's option, names more hosts to answer (the tests' fake ones).
 * @returns {Promise<{ url: string, port: number, store: unknown, close(): Promise<void> }>}
 */
export async function startDemo({ port = 4700, host = '127.0.0.1', seed, testClock, dataFile, log = false, pages = {}, allowedHosts } = {}) {
  const reference = createReferenceHandler({
    seed,
    testClock,
    dataFile,
    log,
    host,
    allowedHosts,
    static: {
      '/': join(here, 'site'),
      '/spa/': join(here, 'spa'),
      '/dist/': join(here, '..', 'dist'),
      '/vendor/js-cookie/': dirname(fileURLToPath(import.meta.resolve('js-cookie'))),
      ...pages,
    },
  })
  const program = reference.store.programs[0]
  let backend
  let firstParty
  // No connection held for good: a request whole within 30 s, at most 1024 connections.
  const server = createLimitedServer(async (req, res) => {
    try {
      if (await backend(req, res)) return
      // First-party mode (/first-party.html): the site's own endpoint, forwarding to the tracking API.
      if (req.url.startsWith('/_affitor/')) return firstParty(req, res)
      if (req.url.startsWith('/strict-csp.html')) res.setHeader('content-security-policy', STRICT_CSP)
      // The single-page app owns every path under /spa/: its router picks the view.
      if (/^\/spa\/[^.]*$/.test(req.url.split('?')[0])) req.url = '/spa/' + req.url.slice(req.url.split('?')[0].length)
      reference.handler(req, res)
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }))
    }
  })
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve))
  const address = server.address()
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
  firstParty = toNodeHandler(createFirstPartyHandler({ apiBase: origin }))
  backend = createExampleBackend({
    apiBase: origin,
    apiKey: program.api_key,
    programId: program.id,
    webhookSecret: program.stripe_webhook_secret,
  })
  return {
    url: origin,
    port: address.port,
    store: reference.store,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve(reference.close && reference.close()))
    }),
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) == process.argv[1]) {
  const flag = process.argv.indexOf('--port')
  const port = Number(flag > 0 ? process.argv[flag + 1] : process.env.PORT || 4700)
  // The names it is reached by through a tunnel or a forwarded port (Codespaces): --allowed-host <name>, repeatable.
  const allowedHosts = process.argv.flatMap((arg, i) => (arg == '--allowed-host' && process.argv[i + 1] ? [process.argv[i + 1]] : []))
  const { port: actual } = await startDemo({ port, log: console.log, allowedHosts }).catch((error) => {
    console.error(error.code == 'EADDRINUSE' ? `Port ${port} is in use: try npm run demo -- --port 4701` : error)
    process.exit(1)
  })
  const base = `http://localhost:${actual}`
  console.log(`
  affitor-tracker demo

  1. Open the marketing site as a partner's visitor:  ${base}/?aff=DEMO
  2. Sign up, buy and refund on:                      ${base}/app.html
  3. Watch the chain (click → lead → sale → refund):  ${base}/__affitor/
     one partner's, or one customer's:                ${base}/__affitor/?partner=DEMO

  The single-page app (npm build):                    ${base}/spa/?aff=P2
  First-party mode (cookie set by the site's server): ${base}/first-party.html?aff=P3
  Stop with Ctrl+C.
`)
}
