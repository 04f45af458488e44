// @vitest-environment node
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { closeServers, startTestServer, type TestServer } from '../helpers/server'

afterEach(closeServers)

let site: string
let spa: string

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'affitor-static-'))
  site = join(root, 'site')
  spa = join(root, 'spa')
  mkdirSync(join(site, 'docs'), { recursive: true })
  mkdirSync(join(site, 'empty'))
  mkdirSync(spa)
  writeFileSync(join(site, 'index.html'), '<h1>home</h1>')
  writeFileSync(join(site, 'app.js'), 'console.log(1)')
  writeFileSync(join(site, 'style.css'), 'body{}')
  writeFileSync(join(site, 'data.json'), '{}')
  writeFileSync(join(site, 'logo.svg'), '<svg/>')
  writeFileSync(join(site, 'file.unknownext'), 'x')
  writeFileSync(join(site, 'with space.txt'), 'spaced')
  writeFileSync(join(site, '.env'), 'SECRET=1')
  writeFileSync(join(site, 'docs', 'index.html'), '<h1>docs</h1>')
  writeFileSync(join(spa, 'index.html'), '<h1>spa</h1>')
  writeFileSync(join(root, 'secret.txt'), 'TOP SECRET')
  // Links inside the served directory: to a file and a directory outside it, and to one inside.
  symlinkSync(join(root, 'secret.txt'), join(site, 'linked-secret.txt'))
  symlinkSync(root, join(site, 'linked-root'))
  symlinkSync(join(site, 'app.js'), join(site, 'linked-app.js'))
})

const start = () => startTestServer({ static: { '/': site, '/spa': spa } })

/** A raw GET, so that the path reaches the server exactly as written. */
function rawGet(server: TestServer, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(server.url + '/', { path, method: 'GET' }, (res) => {
      let body = ''
      res.on('data', (chunk) => (body += chunk)).on('end', () => resolve({ status: res.statusCode!, body }))
    })
      .on('error', reject)
      .end()
  })
}

describe('static mounts', () => {
  it('serves files with their content types', async () => {
    const server = await start()
    const types: Record<string, string> = {
      '/app.js': 'text/javascript; charset=utf-8',
      '/style.css': 'text/css; charset=utf-8',
      '/data.json': 'application/json; charset=utf-8',
      '/logo.svg': 'image/svg+xml',
      '/file.unknownext': 'application/octet-stream',
    }
    for (const [path, type] of Object.entries(types)) {
      const answer = await server.get(path)
      expect(answer.status, path).toBe(200)
      expect(answer.headers.get('content-type'), path).toBe(type)
    }
    expect((await server.get('/app.js')).text).toBe('console.log(1)')
    expect((await server.get('/with%20space.txt')).text).toBe('spaced')
  })

  it('serves index.html for a directory, redirecting to its trailing slash first', async () => {
    const server = await start()
    expect(await server.get('/')).toMatchObject({ status: 200, text: '<h1>home</h1>' })
    expect((await server.get('/')).headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await server.get('/docs/')).toMatchObject({ status: 200, text: '<h1>docs</h1>' })
    const redirect = await server.get('/docs?x=1')
    expect(redirect.status).toBe(301)
    expect(redirect.headers.get('location')).toBe('/docs/?x=1')
    expect((await server.get('/empty/')).status).toBe(404)
  })

  it('picks the longest prefix', async () => {
    const server = await start()
    expect((await server.get('/spa/')).text).toBe('<h1>spa</h1>')
    expect((await server.get('/spa')).headers.get('location')).toBe('/spa/')
  })

  it('answers HEAD without a body', async () => {
    const server = await start()
    const answer = await server.request('HEAD', '/app.js')
    expect(answer).toMatchObject({ status: 200, text: '' })
    expect(answer.headers.get('content-length')).toBe('14')
  })

  it('serves GET and HEAD only', async () => {
    const server = await start()
    expect(await server.post('/app.js')).toMatchObject({ status: 404, body: { error: 'Not found: POST /app.js' } })
  })

  it('answers a missing file 404 and keeps dot files private', async () => {
    const server = await start()
    expect(await server.get('/missing.js')).toMatchObject({ status: 404, body: { error: 'Not found: GET /missing.js' } })
    expect((await server.get('/.env')).status).toBe(404)
  })

  it('never serves a file outside the directory', async () => {
    const server = await start()
    const attempts = ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/spa/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00', '/%E0%A4%A']
    for (const path of attempts) {
      const answer = await rawGet(server, path)
      expect([403, 404], path).toContain(answer.status)
      expect(answer.body, path).not.toContain('TOP SECRET')
    }
    expect((await rawGet(server, '/..%2fsecret.txt')).body).toContain('is outside the served directory')
  })

  it('follows no symbolic link out of the directory, and serves one that stays inside', async () => {
    const server = await start()
    for (const path of ['/linked-secret.txt', '/linked-root/secret.txt']) {
      const answer = await rawGet(server, path)
      expect(answer.status, path).toBe(403)
      expect(answer.body, path).not.toContain('TOP SECRET')
    }
    expect(await rawGet(server, '/linked-app.js')).toMatchObject({ status: 200, body: 'console.log(1)' })
  })

  it('leaves the tracking routes to the server', async () => {
    const server = await start()
    expect((await server.click('P1')).status).toBe(200)
    expect((await server.get('/__affitor/events')).status).toBe(200)
  })
})
