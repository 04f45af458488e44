// @vitest-environment node
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createLimitedServer, startReferenceServer, type ReferenceServer } from '../../src/server'

// No client holds a connection for good: half-sent requests and silent sockets are closed, and
// connections beyond the cap are refused. Timed with short limits; the defaults are 30 s and 1024.

const servers: ReferenceServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function start(options: { requestTimeout?: number; maxConnections?: number }) {
  const server = await startReferenceServer({ port: 0, ...options })
  servers.push(server)
  return server
}

/** Opens a socket to the server, writes `data`, and resolves with how long it stayed open (ms), or `Infinity` after `limit`. */
function openFor(port: number, data: string, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const began = Date.now()
    const socket: Socket = connect(port, '127.0.0.1', () => data && socket.write(data))
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(Infinity)
    }, limit)
    socket.on('data', () => {})
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Date.now() - began)
    })
  })
}

describe('connections', () => {
  it('closes a connection that sends half a request, or nothing, once requestTimeout has passed', async () => {
    const server = await start({ requestTimeout: 400 })
    const [half, headersOnly, silent] = await Promise.all([
      openFor(server.port, 'POST /api/v1/track/click HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: app', 5_000),
      openFor(server.port, 'POST /api/v1/track/click HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"affiliate', 5_000),
      openFor(server.port, '', 5_000),
    ])
    for (const held of [half, headersOnly, silent]) {
      expect(held).toBeGreaterThanOrEqual(300)
      expect(held).toBeLessThan(3_000)
    }
  })

  it('still answers a whole request on such a server', async () => {
    const server = await start({ requestTimeout: 400 })
    const response = await fetch(server.url + '/api/v1/track/click', { method: 'POST', body: JSON.stringify({ affiliate_url: 'https://shop.example/?aff=DEMO' }) })
    expect(response.status).toBe(200)
  })

  it('refuses connections beyond maxConnections', async () => {
    const server = await start({ maxConnections: 2, requestTimeout: 2_000 })
    const held = [openFor(server.port, '', 5_000), openFor(server.port, '', 5_000)]
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await openFor(server.port, '', 1_500)).toBeLessThan(1_000)
    await Promise.all(held)
  })

  it('has limits by default, and refuses invalid ones', () => {
    const server = createLimitedServer(() => {})
    expect([server.requestTimeout, server.headersTimeout, server.timeout, server.maxConnections]).toEqual([30_000, 10_000, 30_000, 1024])
    expect(() => createLimitedServer(() => {}, { requestTimeout: 0 })).toThrow(/requestTimeout/)
    expect(() => createLimitedServer(() => {}, { maxConnections: 1.5 })).toThrow(/maxConnections/)
  })
})
