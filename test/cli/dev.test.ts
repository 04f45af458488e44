// @vitest-environment node
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startDev } from '../../src/cli/dev'
import { runCli } from '../../src/cli/main'
import type { ReferenceServer } from '../../src/server/server'
import { closeServers, startTestServer } from '../server/helpers/server'
import { fakeIo } from '../helpers/cli-io'
import { makeProject, removeProjects } from '../helpers/project'

const started: ReferenceServer[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()))
  await closeServers()
  removeProjects()
})

const dev = async (more: Partial<Parameters<typeof startDev>[0]> = {}) => {
  const run = fakeIo()
  const server = await startDev({ port: 0, host: false, json: false, ...more }, run.io)
  started.push(server)
  return { run, server }
}

describe('dev', () => {
  it('serves the API and the live page, and prints them with the demo program, its API key and webhook secret', async () => {
    const { run, server } = await dev()
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(run.out).toContain(`affitor reference server listening on ${server.url}\n`)
    expect(run.out).toContain(`  API base:        ${server.url}`)
    expect(run.out).toContain(`  Live page:       ${server.url}/__affitor/\n`)
    expect(run.out).toContain('  Program id:      1\n')
    expect(run.out).toContain('  API key:         sk_demo_affitor\n')
    expect(run.out).toContain('  Webhook secret:  whsec_demo_affitor')
    expect(run.out).toContain(`test chain --api-base ${server.url} --api-key sk_demo_affitor --program-id 1`)
    expect((await fetch(`${server.url}/__affitor/`)).status).toBe(200)
  })

  it('logs each request in text mode', async () => {
    const { run, server } = await dev()
    await fetch(`${server.url}/api/v1/track/click`, { method: 'POST', body: JSON.stringify({ affiliate_url: 'https://x.example/?aff=DEMO' }) })
    await expect.poll(() => run.out).toContain('POST /api/v1/track/click 200')
  })

  it('prints one JSON line and no request log with --json', async () => {
    const { run, server } = await dev({ json: true })
    await fetch(`${server.url}/api/v1/track/click`, { method: 'POST', body: JSON.stringify({ affiliate_url: 'https://x.example/?aff=DEMO' }) })
    expect(JSON.parse(run.out)).toEqual({ apiBase: server.url, livePage: `${server.url}/__affitor/`, programId: '1', apiKey: 'sk_demo_affitor', webhookSecret: 'whsec_demo_affitor' })
  })

  it('shows the first program of a --seed file, and keeps --data', async () => {
    const dir = makeProject({
      'seed.json': { programs: [{ id: 'shop', name: 'Shop', api_key: 'sk_shop', allowed_origins: ['*'], commission: { type: 'percent', value: 10 }, partners: [{ code: 'ALICE', name: 'Alice' }] }] },
    })
    const { run, server } = await dev({ seed: join(dir, 'seed.json'), dataFile: join(dir, 'data.jsonl') })
    expect(run.out).toContain('  Program id:      shop\n')
    expect(run.out).toContain('  API key:         sk_shop\n')
    expect(run.out).not.toContain('Webhook secret')
    expect(run.out).toContain('?aff=ALICE')
    await fetch(`${server.url}/api/v1/track/click`, { method: 'POST', body: JSON.stringify({ affiliate_url: 'https://x.example/?aff=ALICE' }) })
    const changes = readFileSync(join(dir, 'data.jsonl'), 'utf8').trim().split('\n').slice(1).map((line) => JSON.parse(line))
    expect(changes.flatMap((change) => change.add?.clicks || [])).toHaveLength(1)
  })

  it('listens on every interface with --host', async () => {
    const { server } = await dev({ host: true })
    expect(server.url).toBe(`http://localhost:${server.port}`)
  })

  it('runs until stopped, then closes the server and exits 0', async () => {
    const run = fakeIo()
    let stop!: () => void
    const exited = runCli(['dev', '--port', '0', '--json'], run.io, () => new Promise<void>((resolve) => (stop = resolve)))
    await expect.poll(() => run.out).toContain('apiBase')
    const { apiBase } = JSON.parse(run.out)
    expect((await fetch(`${apiBase}/__affitor/events`)).status).toBe(200)
    stop()
    expect(await exited).toBe(0)
    await expect(fetch(`${apiBase}/__affitor/events`)).rejects.toThrow()
  })

  it('says clearly when the port is in use: exit 1', async () => {
    const taken = await startTestServer()
    const run = fakeIo()
    expect(await runCli(['dev', '--port', String(taken.port)], run.io, async () => {})).toBe(1)
    expect(run.err).toBe(`Port ${taken.port} is in use: pass another with --port, or --port 0 for a free one\n`)
    expect(run.out).toBe('')
  })

  it('says clearly when the seed is invalid: exit 1', async () => {
    const dir = makeProject()
    writeFileSync(join(dir, 'seed.json'), '{"programs": []}')
    const run = fakeIo()
    expect(await runCli(['dev', '--port', '0', '--seed', join(dir, 'seed.json')], run.io, async () => {})).toBe(1)
    expect(run.err).toBe(`affitor-tracker: Invalid seed file ${join(dir, 'seed.json')}: "programs" must be a non-empty array\n`)
  })
})
