// @vitest-environment node
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fillDisk } from '../helpers/full-disk'
import { closeServers, startTestServer } from './helpers/server'

const CLI = join(__dirname, '../../dist/server/cli.js')
const dirs: string[] = []
const dataFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'affitor-durable-'))
  dirs.push(dir)
  return join(dir, 'data.jsonl')
}

afterEach(async () => {
  vi.restoreAllMocks()
  await closeServers()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Starts the built command line on a free port; resolves with its URL and the child process. */
async function startCli(args: string[]) {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on (\S+)/.exec(output)
      if (match) resolve(match[1])
    })
    child.on('exit', () => reject(new Error(`the server exited: ${output}`)))
  })
  return { child, url, exited: new Promise((resolve) => child.on('exit', resolve)) }
}

/** Every event the server lists, page after page. */
async function allEvents(url: string): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = []
  let cursor: string | null = ''
  while (cursor !== null) {
    const page = await (await fetch(`${url}/__affitor/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json()
    events.push(...page.events)
    cursor = page.next_cursor
  }
  return events
}

describe('the data file', () => {
  it('keeps every answered event when the server is killed (SIGKILL) under load, and nothing that was not sent', async () => {
    const file = dataFile()
    const first = await startCli(['--data', file])
    const sent = new Set<string>()
    const answered = new Set<string>()
    let next = 0
    let killed = false
    // Eight clients send clicks one after another until the server dies under them.
    const client = async () => {
      while (!killed) {
        const eventId = `evt_${next++}`
        sent.add(eventId)
        try {
          const response = await fetch(`${first.url}/api/v1/track/click`, { method: 'POST', body: JSON.stringify({ affiliate_url: 'https://shop.example/?aff=DEMO', event_id: eventId }) })
          if (response.ok) answered.add(eventId)
        } catch {
          return
        }
      }
    }
    const clients = Array.from({ length: 8 }, client)
    while (answered.size < 400) await new Promise((resolve) => setTimeout(resolve, 5))
    first.child.kill('SIGKILL')
    killed = true
    await Promise.all([first.exited, ...clients])

    // The lock the killed server left is taken over.
    const second = await startCli(['--data', file])
    try {
      const stored = (await allEvents(second.url)).map((event) => (event.request as { event_id: string }).event_id)
      expect(new Set(stored).size).toBe(stored.length)
      for (const eventId of answered) expect(stored).toContain(eventId)
      for (const eventId of stored) expect(sent.has(eventId)).toBe(true)
      expect(stored.length).toBeGreaterThanOrEqual(answered.size)
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
  })

  it('is used by one server at a time: a second one stops with a clear message', async () => {
    const file = dataFile()
    await startTestServer({ dataFile: file })
    await expect(startTestServer({ dataFile: file })).rejects.toThrow(`The data file ${file} is in use by another reference server`)
    const cli = spawn(process.execPath, [CLI, '--port', '0', '--data', file], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    cli.stderr.on('data', (chunk) => (stderr += chunk))
    expect(await new Promise((resolve) => cli.on('exit', resolve))).toBe(1)
    expect(stderr).toBe(`The data file ${file} is in use by another reference server (process ${process.pid}): stop it, or give this server another data file (if no server runs, remove ${file}.lock)\n`)
  })

  it('answers 503 with a clear message while the disk is full, records nothing, and records again once there is space', async () => {
    const file = dataFile()
    const server = await startTestServer({ dataFile: file, durable: true, testClock: true })
    expect((await server.click('DEMO')).status).toBe(200)
    const disk = fillDisk()
    const refused = await server.click('P1', { event_id: 'evt_full' })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('10')
    expect(refused.body).toEqual({ error: `The data file ${file} cannot grow: no space left on the device. Nothing was recorded; free some space and send it again.` })
    expect((await server.lead({ customer_key: 'user_1' })).status).toBe(503)
    expect((await server.events()).map((event: { partner_code: string }) => event.partner_code)).toEqual(['DEMO'])

    // A reset that cannot be written is undone, and the test clock keeps its time.
    await server.post('/__affitor/clock', { advance_days: 3 }).catch(() => undefined)
    expect((await server.post('/__affitor/reset')).status).toBe(503)
    expect((await server.get('/__affitor/clock')).body.offset_ms).toBe(3 * 86_400_000)
    expect(await server.events()).toHaveLength(1)

    disk.full = false
    // The same event, sent again, is recorded once: the refused attempt left no answer behind.
    const again = await server.click('P1', { event_id: 'evt_full' })
    expect(again).toMatchObject({ status: 200, body: { success: true } })
    expect(again.body.duplicate).toBeUndefined()
    await server.close()
    const restarted = await startTestServer({ dataFile: file })
    expect((await restarted.events()).map((event: { partner_code: string }) => event.partner_code)).toEqual(['DEMO', 'P1'])
  })
})
