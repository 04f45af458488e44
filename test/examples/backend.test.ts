// @vitest-environment node
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createExampleBackend } from '../../examples/backend.mjs'

// examples/backend.mjs, the example site's backend, in front of a tracking API that does not
// answer JSON: a proxy's or load balancer's HTML error page, say.

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve)))))
})

async function listen(handler: (req: any, res: any) => void): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** The example backend in front of a tracking API that answers every request with an HTML page. */
async function backendBehindHtmlApi() {
  const apiBase = await listen((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad Gateway</body></html>'))
  const backend = createExampleBackend({ apiBase, apiKey: 'sk_demo_affitor', programId: 1, webhookSecret: 'whsec_demo_affitor' })
  const base = await listen(async (req, res) => {
    if (!(await backend(req, res))) res.writeHead(404).end()
  })
  const post = async (path: string, body: string) => {
    const response = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    return { status: response.status, body: await response.json() }
  }
  return post
}

describe('examples/backend.mjs', () => {
  it('answers 502 when the tracking API replies with a body that is not JSON, 400 only for its caller\'s own bad JSON', async () => {
    const post = await backendBehindHtmlApi()
    const signup = await post('/api/signup', JSON.stringify({ email: 'ada@shop.test' }))
    expect(signup).toEqual({ status: 200, body: { id: 'user_1', email: 'ada@shop.test' } })
    for (const path of ['/api/buy', '/api/subscribe']) {
      expect(await post(path, JSON.stringify({ user_id: 'user_1' }))).toEqual({
        status: 502,
        body: { error: 'The tracking API answered 502 with a body that is not JSON' },
      })
    }
    expect(await post('/api/buy', '{ "user_id": ')).toEqual({ status: 400, body: { error: 'Invalid JSON body' } })
  })
})
