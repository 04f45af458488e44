import { resolve } from 'node:path'
import { DEMO_SEED } from './demo-seed'
import { loadSeed, type Program, type Seed } from './seed'

/** Options for {@link createReferenceHandler} and {@link startReferenceServer}. */
export interface ReferenceServerOptions {
  /**
   * The port to listen on (`startReferenceServer` only); `0` picks a free one.
   * @default 4700
   */
  port?: number
  /**
   * The interface to listen on (`startReferenceServer` only). Use `"0.0.0.0"` to accept
   * connections from other machines.
   * @default "127.0.0.1"
   */
  host?: string
  /**
   * The programs and partners: a {@link Seed} object or the path of a JSON file holding one.
   * @default DEMO_SEED (program 1, partners DEMO, P1, P2, P3 and an inactive one)
   * @example "./seed.json"
   */
  seed?: Seed | string
  /**
   * A file that keeps what was recorded across restarts: an append-only log of JSON lines,
   * replayed at start (a missing file is an empty start), each change written to it before it
   * is answered, compacted as it grows. One server per file: a second one stops with an error.
   * In memory only when unset.
   * @default undefined
   * @example "./affitor-data.jsonl"
   */
  dataFile?: string
  /**
   * With `dataFile`, syncs each group of writes to the disk (`fdatasync`) before answering, so
   * that an answered event survives the machine losing power, not only the server being killed.
   * @default false
   */
  durable?: boolean
  /**
   * The server's time source in milliseconds since the epoch: clicks, sales and the
   * attribution window are measured with it.
   * @default Date.now
   */
  now?: () => number
  /**
   * Enables `POST /__affitor/clock` with `{"advance_days": n}`, `{"advance_ms": n}` or
   * `{"set": "2030-01-01T00:00:00Z"}` to move the server clock, for trying the attribution
   * window. Off, the route answers 404.
   * @default false
   */
  testClock?: boolean
  /**
   * Directories to serve as static files, by URL prefix: `index.html` for a directory, GET and
   * HEAD only, nothing outside the directory. The tracking routes take precedence.
   * @default {}
   * @example { "/": "./site", "/dist/": "./node_modules/affitor-tracker/dist" }
   */
  static?: Record<string, string>
  /**
   * The largest request body accepted, in bytes; a larger one is answered 413.
   * @default 65536
   */
  maxBodyBytes?: number
  /**
   * Host names a request's `Host` header may carry beyond the loopback names (`localhost`,
   * `*.localhost`, `127.0.0.1`, `[::1]`), `host` and the hosts of the seed's `allowed_origins`:
   * a name, or `.shop.test` for that domain and its subdomains; `true` for any (behind a proxy
   * that checks it). Any other Host is answered 403, so that a page of another site whose name
   * resolves to this machine (DNS rebinding) reads and changes nothing.
   * @default []
   * @example ['tracking.shop.test', '.shop.test']
   */
  allowedHosts?: readonly string[] | true
  /**
   * Opens the inspection routes (`/__affitor/…`: the live page, events, chains, reset, clock) to
   * requests from other machines that carry it, as `Authorization: Bearer <token>` or `?token=`.
   * Without it they answer requests from this machine (loopback) only.
   * @default undefined
   */
  inspectionToken?: string
  /**
   * Milliseconds a connection may take to send a whole request, and may stay silent
   * (`startReferenceServer` only): a client that sends half a request, or nothing, is
   * disconnected then. The headers must come within 10 s of it (less when it is lower).
   * @default 30000
   */
  requestTimeout?: number
  /**
   * Connections open at once (`startReferenceServer` only); more are closed as they come.
   * @default 1024
   */
  maxConnections?: number
  /**
   * A Stripe webhook signing secret accepted for every program, in addition to each program's
   * `stripe_webhook_secret` in the seed.
   * @default undefined
   * @example "whsec_…"
   */
  stripeWebhookSecret?: string
  /** A Paddle notification secret key accepted for every program, beside each program's `paddle_webhook_secret`. */
  paddleWebhookSecret?: string
  /** A Lemon Squeezy signing secret accepted for every program, beside each program's `lemonsqueezy_webhook_secret`. */
  lemonsqueezyWebhookSecret?: string
  /**
   * Receives one line per request and per notable event, or `false` for silence.
   * Unexpected errors go to `console.error` when this is `false`.
   * @default false
   * @example console.log
   */
  log?: ((line: string) => void) | false
}

/** Options after defaults are applied and the seed is loaded. */
export interface NormalizedServerOptions {
  port: number
  host: string
  programs: Program[]
  dataFile?: string
  durable: boolean
  now: () => number
  testClock: boolean
  /** Mounts as `[prefix, absolute directory]`, longest prefix first; prefixes end with `/`. */
  static: [string, string][]
  maxBodyBytes: number
  stripeWebhookSecret?: string
  paddleWebhookSecret?: string
  lemonsqueezyWebhookSecret?: string
  log: ((line: string) => void) | false
  /** Lower case; `true` for any. */
  allowedHosts: string[] | true
  inspectionToken?: string
}

/** The defaults every option falls back to. */
export const DEFAULTS = Object.freeze({
  port: 4700,
  host: '127.0.0.1',
  seed: DEMO_SEED as Seed,
  now: Date.now,
  testClock: false,
  durable: false,
  static: Object.freeze({}) as Record<string, string>,
  maxBodyBytes: 64 * 1024,
  log: false as const,
})

/**
 * Applies the defaults once (an option left out, `undefined` or `null` takes its default) and
 * loads the seed. Throws a `TypeError` naming the option for a value of the wrong kind, and an
 * `Error` naming the field for an invalid seed.
 */
export function normalizeServerOptions(options: ReferenceServerOptions = {}): NormalizedServerOptions {
  const opts: Record<string, unknown> = { ...DEFAULTS }
  for (const key in options) {
    const value = options[key as keyof ReferenceServerOptions]
    if (value != null) opts[key] = value
  }
  const fail = (message: string): never => {
    throw new TypeError(`reference server: ${message}`)
  }
  const { port, host, seed, dataFile, durable, now, testClock, maxBodyBytes, stripeWebhookSecret, log, allowedHosts = [], inspectionToken } = opts
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) fail('port must be an integer from 0 to 65535')
  if (typeof host != 'string' || !host) fail('host must be a non-empty string')
  if (typeof seed != 'string' && (typeof seed != 'object' || !seed)) fail('seed must be a seed object or the path of a JSON file')
  if (dataFile !== undefined && (typeof dataFile != 'string' || !dataFile)) fail('dataFile must be a file path')
  if (typeof durable != 'boolean') fail('durable must be a boolean')
  if (typeof now != 'function') fail('now must be a function returning milliseconds')
  if (typeof testClock != 'boolean') fail('testClock must be a boolean')
  if (!Number.isInteger(maxBodyBytes) || (maxBodyBytes as number) < 1) fail('maxBodyBytes must be a positive integer')
  for (const name of ['stripeWebhookSecret', 'paddleWebhookSecret', 'lemonsqueezyWebhookSecret']) {
    if (opts[name] !== undefined && (typeof opts[name] != 'string' || !opts[name])) fail(`${name} must be a non-empty string`)
  }
  if (log !== false && typeof log != 'function') fail('log must be a function or false')
  if (allowedHosts !== true && (!Array.isArray(allowedHosts) || !allowedHosts.every((name) => typeof name == 'string' && /^\.?[\w.[\]:-]+$/.test(name)))) fail('allowedHosts must be true or a list of host names (".shop.test" for a domain and its subdomains)')
  if (inspectionToken !== undefined && (typeof inspectionToken != 'string' || inspectionToken.length < 16)) fail('inspectionToken must be a string of at least 16 characters')
  return {
    port: port as number,
    host: host as string,
    programs: loadSeed(seed as Seed | string),
    ...(dataFile !== undefined && { dataFile: resolve(dataFile as string) }),
    durable: durable as boolean,
    now: now as () => number,
    testClock: testClock as boolean,
    static: normalizeMounts(opts.static, fail),
    maxBodyBytes: maxBodyBytes as number,
    ...(stripeWebhookSecret !== undefined && { stripeWebhookSecret: stripeWebhookSecret as string }),
    ...(opts.paddleWebhookSecret !== undefined && { paddleWebhookSecret: opts.paddleWebhookSecret as string }),
    ...(opts.lemonsqueezyWebhookSecret !== undefined && { lemonsqueezyWebhookSecret: opts.lemonsqueezyWebhookSecret as string }),
    log: log as NormalizedServerOptions['log'],
    allowedHosts: allowedHosts === true ? true : (allowedHosts as string[]).map((name) => name.toLowerCase()),
    ...(inspectionToken !== undefined && { inspectionToken: inspectionToken as string }),
  }
}

function normalizeMounts(mounts: unknown, fail: (message: string) => never): [string, string][] {
  if (typeof mounts != 'object' || !mounts || Array.isArray(mounts)) return fail('static must be an object of URL prefix to directory')
  return Object.entries(mounts)
    .map(([prefix, directory]): [string, string] => {
      if (!prefix.startsWith('/')) fail(`static prefix "${prefix}" must start with "/"`)
      if (typeof directory != 'string' || !directory) fail(`static["${prefix}"] must be a directory path`)
      return [prefix.endsWith('/') ? prefix : prefix + '/', resolve(directory)]
    })
    .sort(([a], [b]) => b.length - a.length)
}
