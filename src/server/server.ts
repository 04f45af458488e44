import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createReferenceHandler } from './handler'
import { DEFAULTS, type ReferenceServerOptions } from './options'
import type { ReferenceStore } from './store'

/** A running reference server. */
export interface ReferenceServer {
  /** Where it answers, such as `http://127.0.0.1:4700`, without a trailing slash. */
  url: string
  /** The port it listens on: the one picked when `port` was `0`. */
  port: number
  /** What it recorded, and its programs. */
  store: ReferenceStore
  /** Stops listening and ends open connections; calling it again changes nothing. */
  close(): Promise<void>
}

/**
 * Starts the reference tracking server (see {@link createReferenceHandler} for what it
 * answers). Rejects when the port is taken (`EADDRINUSE`); throws for invalid options.
 *
 * @example
 * const server = await startReferenceServer({ port: 0, testClock: true })
 * await fetch(server.url + '/api/v1/track/click', { method: 'POST', body: JSON.stringify({ affiliate_url: 'https://shop.example/?aff=DEMO' }) })
 * await server.close()
 */
export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const reference = createReferenceHandler(options)
  const server = createLimitedServer(reference.handler, options)
  const host = options.host ?? DEFAULTS.host
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? DEFAULTS.port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  // A wildcard address is not one to open: point at the machine itself instead.
  const shown = host == '0.0.0.0' || host == '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shown}:${port}`,
    port,
    store: reference.store,
    close: () =>
      (closing ||= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })),
  }
}

/** What {@link createLimitedServer} bounds. */
export interface ConnectionLimits {
  /** Milliseconds for a whole request, and of silence on a connection. @default 30000 */
  requestTimeout?: number
  /** Connections open at once. @default 1024 */
  maxConnections?: number
}

/**
 * An HTTP server that holds no connection for good: a request must arrive whole within
 * `requestTimeout` (its headers within 10 s), a silent connection is closed after it, an idle
 * keep-alive one after 5 s, and at most `maxConnections` are open at once. Half-sent requests
 * are checked every second. Used by the reference server and the demo.
 */
export function createLimitedServer(handler: RequestListener, { requestTimeout = 30_000, maxConnections = 1024 }: ConnectionLimits = {}): Server {
  if (!(requestTimeout > 0) || !Number.isFinite(requestTimeout)) throw new TypeError('reference server: requestTimeout must be a positive number of milliseconds')
  if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new TypeError('reference server: maxConnections must be a positive integer')
  const server = createServer({ requestTimeout, headersTimeout: Math.min(10_000, requestTimeout), keepAliveTimeout: Math.min(5_000, requestTimeout), connectionsCheckingInterval: Math.min(1_000, requestTimeout) }, handler)
  server.timeout = requestTimeout
  server.maxConnections = maxConnections
  return server
}
