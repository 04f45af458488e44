import { createServer, type RequestListener, type Server } from 'node:http'

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
