import type { AddressInfo } from 'node:net'
import { createReferenceHandler } from './handler'
import { createLimitedServer } from './http/limited-server'
import { DEFAULTS, type ReferenceServerOptions } from './config/options'
import type { ReferenceStore } from './store/store'

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
        server.close((error) => (error ? reject(error) : reference.close().then(resolve, reject)))
        server.closeAllConnections()
      })),
  }
}
