// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import { startReferenceServer } from '../../src/server'
import { closeServers, startTestServer } from './helpers/server'

afterEach(closeServers)

describe('startReferenceServer', () => {
  it('listens on a free port for port 0, on 127.0.0.1 by default', async () => {
    const server = await startTestServer()
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    expect((await fetch(server.url + '/__affitor/events')).status).toBe(200)
    expect(server.store.programs[0].id).toBe('1')
  })

  it('writes an IPv6 host in brackets', async () => {
    const server = await startTestServer({ host: '::1' }).catch(() => undefined)
    // Machines without IPv6 loopback cannot run this one.
    if (server) expect(server.url).toBe(`http://[::1]:${server.port}`)
  })

  it('points a wildcard host at localhost', async () => {
    const server = await startTestServer({ host: '0.0.0.0' })
    expect(server.url).toBe(`http://localhost:${server.port}`)
  })

  it('rejects when the port is taken', async () => {
    const first = await startTestServer()
    await expect(startReferenceServer({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' })
  })

  it('closes open connections and can be closed twice', async () => {
    const server = await startReferenceServer({ port: 0 })
    await fetch(server.url + '/__affitor/events', { headers: { connection: 'keep-alive' } })
    await server.close()
    await server.close()
    await expect(fetch(server.url + '/__affitor/events')).rejects.toThrow()
  })

  it('throws for invalid options before listening', async () => {
    await expect(startReferenceServer({ port: 1e6 })).rejects.toThrow('reference server: port must be an integer from 0 to 65535')
  })
})
