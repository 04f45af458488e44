import { hostChecker, inspectionAllowed } from './http/access'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { trackClick } from './routes/click'
import { createClock, type Clock } from './config/clock'
import { corsHeaders, originAllowed, PREFLIGHT_HEADERS } from './http/cors'
import { HttpError, parseJsonObject, readBody, sendJson, type Context, type Route } from './http/http'
import { chainsRoute, clockRoute, eventsRoute, inspectorPageRoute, resetRoute } from './inspector/routes'
import { trackLead } from './routes/lead'
import { normalizeServerOptions, type ReferenceServerOptions } from './config/options'
import { trackRefund } from './routes/refund'
import { trackSale } from './routes/sale'
import { serveFavicon } from './http/favicon'
import { serveStatic } from './http/static-files'
import { LogWriteError } from './store/event-log'
import { internValues } from './store/interned'
import { createStore, type ReferenceStore } from './store/store'
import { stripeWebhook } from './routes/stripe-webhook'
import { paddleWebhook } from './routes/paddle-webhook'
import { lemonSqueezyWebhook } from './routes/lemonsqueezy-webhook'

/** The reference server as a plain Node request handler, with its state. */
export interface ReferenceHandler {
  /**
   * A Node `(req, res)` request listener: mount it in `http.createServer`, or call it from
   * your own handler for the requests your routes do not answer. It never rejects: errors are
   * answered as JSON `{"error": message}`.
   */
  handler(req: IncomingMessage, res: ServerResponse): Promise<void>
  /** What the server recorded, and its programs (`store.programs[0].api_key`). */
  store: ReferenceStore
  /** The server clock: move it from code as `POST /__affitor/clock` does over HTTP. */
  clock: Clock
  /** Writes what is queued for the data file and closes it, releasing its lock. */
  close(): Promise<void>
}

/** A path's routes by method; `cors` marks the routes browsers call from other origins. */
interface Mount {
  methods: Partial<Record<string, Route>>
  cors?: boolean
}

/**
 * Creates the reference tracking server as a request handler, without listening anywhere:
 * the tracking API (`/api/v1/track/click`, `lead`, `sale`, `refund`), the Stripe webhook
 * (`/api/v1/webhooks/stripe`), the inspection routes under `/__affitor/` and the `static`
 * mounts. Throws a `TypeError` for an invalid option and an `Error` for an invalid seed or
 * data file.
 *
 * @example
 * const reference = createReferenceHandler({ static: { '/': './public' } })
 * createServer((req, res) => (req.url == '/health' ? res.end('ok') : reference.handler(req, res))).listen(4700)
 */
export function createReferenceHandler(options: ReferenceServerOptions = {}): ReferenceHandler {
  const opts = normalizeServerOptions(options)
  const log = opts.log
  const store = createStore(opts.programs, { dataFile: opts.dataFile, durable: opts.durable, ...(log && { log }) })
  const clock = createClock(opts.now)
  const routes: Record<string, Mount> = {
    '/api/v1/track/click': { methods: { POST: trackClick }, cors: true },
    '/api/v1/track/lead': { methods: { POST: trackLead }, cors: true },
    '/api/v1/track/sale': { methods: { POST: trackSale } },
    '/api/v1/track/refund': { methods: { POST: trackRefund } },
    '/api/v1/webhooks/stripe': { methods: { POST: stripeWebhook } },
    '/api/v1/webhooks/paddle': { methods: { POST: paddleWebhook } },
    '/api/v1/webhooks/lemonsqueezy': { methods: { POST: lemonSqueezyWebhook } },
    '/__affitor/': { methods: { GET: inspectorPageRoute } },
    '/__affitor/events': { methods: { GET: eventsRoute } },
    '/__affitor/chains': { methods: { GET: chainsRoute } },
    '/__affitor/reset': { methods: { POST: resetRoute } },
    ...(opts.testClock && { '/__affitor/clock': { methods: { GET: clockRoute, POST: clockRoute } } }),
  }
  const hostAllowed = hostChecker(opts)
  const allowedAnywhere = (origin: string) => store.programs.some((program) => originAllowed(program.allowed_origins, origin))

  async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now()
    if (log) res.on('finish', () => log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`))
    const target = req.url || '/'
    let url: URL
    try {
      // Concatenated rather than resolved against a base, so "//host/path" stays a path.
      url = new URL(target.startsWith('/') ? 'http://reference.invalid' + target : target)
    } catch {
      return sendJson(res, 400, { error: `Invalid request target: ${target}` })
    }
    // Own routes only: `/constructor` or `/__proto__` is no route.
    const mount = Object.prototype.hasOwnProperty.call(routes, url.pathname) ? routes[url.pathname] : undefined
    let body: Promise<Buffer> | undefined
    const ctx: Context = {
      req,
      res,
      url,
      store,
      clock,
      options: opts,
      body: () => (body ||= readBody(req, opts.maxBodyBytes)),
      // What is stored of a body shares its repeated strings (see interned.ts).
      json: async () => internValues(parseJsonObject(await ctx.body())),
    }
    const origin = req.headers.origin
    const cors = () =>
      mount && mount.cors ? corsHeaders(origin, !!origin && (ctx.program ? originAllowed(ctx.program.allowed_origins, origin) : allowedAnywhere(origin))) : {}

    try {
      if (!hostAllowed(req.headers.host)) {
        throw new HttpError(403, `Host ${req.headers.host} is not allowed: the server answers its own names (localhost, 127.0.0.1, the hosts of allowed_origins); add others with the allowedHosts option (--allowed-host)`)
      }
      if ((url.pathname == '/__affitor' || url.pathname.startsWith('/__affitor/')) && !inspectionAllowed(req, url, opts.inspectionToken)) {
        throw new HttpError(403, 'The inspection routes answer this machine only: set the inspectionToken option (--inspection-token) and send it as Authorization: Bearer <token> or ?token=')
      }
      if (url.pathname == '/__affitor' && (req.method == 'GET' || req.method == 'HEAD')) {
        res.writeHead(301, { location: '/__affitor/' + url.search, 'content-length': '0' }).end()
      } else if (mount) {
        if (mount.cors && req.method == 'OPTIONS') return preflight(res, origin)
        const method = req.method == 'HEAD' ? 'GET' : req.method || ''
        const route = Object.prototype.hasOwnProperty.call(mount.methods, method) ? mount.methods[method] : undefined
        if (!route) {
          const allow = [...Object.keys(mount.methods), ...(mount.methods.GET ? ['HEAD'] : []), ...(mount.cors ? ['OPTIONS'] : [])]
          throw new HttpError(405, `Method ${req.method} not allowed on ${url.pathname}: use ${allow.join(', ')}`, { allow: allow.join(', ') })
        }
        const reply = await route(ctx)
        // Nothing is answered before what it rests on is in the data file.
        await written()
        if (reply) sendJson(res, reply.status, reply.body, { ...cors(), ...reply.headers })
      } else if (!(await serveStatic(req, res, url, opts.static)) && !serveFavicon(req, res, url.pathname)) {
        throw new HttpError(404, `Not found: ${req.method} ${url.pathname}`)
      }
    } catch (error) {
      if (!(error instanceof LogWriteError)) await written().catch(() => {})
      if (res.headersSent) {
        res.destroy()
      } else if (error instanceof LogWriteError) {
        sendJson(res, 503, { error: error.message }, { ...cors(), 'retry-after': '10' })
      } else if (error instanceof HttpError) {
        sendJson(res, error.status, { error: error.message }, { ...cors(), ...error.headers })
      } else {
        ;(log || console.error)(`${req.method} ${url.pathname} failed: ${(error as Error)?.stack || error}`)
        sendJson(res, 500, { error: 'Internal server error' }, cors())
      }
    }
  }

  /** Resolves once every change so far is in the data file; rejects with the {@link LogWriteError} that undid them. */
  const written = () => store.written()

  /** Answers a CORS preflight: allowed when any program allows the origin. */
  function preflight(res: ServerResponse, origin: string | undefined): void {
    if (!origin) {
      res.writeHead(204, { allow: 'POST, OPTIONS' }).end()
    } else if (allowedAnywhere(origin)) {
      res.writeHead(204, { ...corsHeaders(origin, true), ...PREFLIGHT_HEADERS }).end()
    } else {
      sendJson(res, 403, { error: `Origin ${origin} is not allowed by any program: add it to a program's allowed_origins` }, { vary: 'Origin' })
    }
  }

  return { handler, store, clock, close: () => store.close() }
}
