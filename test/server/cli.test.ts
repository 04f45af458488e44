// @vitest-environment node
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const CLI = join(__dirname, '../../dist/server/cli.js')

/** Runs the built command line until it prints its URL (or exits); answers the output so far and a stop function. */
function run(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const listening = new Promise<string | undefined>((resolve) => {
    child.stdout.on('data', () => {
      const match = /listening on (\S+)/.exec(stdout)
      if (match) resolve(match[1])
    })
    exited.then(() => resolve(undefined))
  })
  return {
    listening,
    exited,
    output: () => ({ stdout, stderr }),
    stop: () => {
      child.kill('SIGTERM')
      return exited
    },
  }
}

// Built by `npm test` (and `npm run build`) before the tests run.
describe('affitor-reference-server (built)', () => {
  it('is an executable Node script', () => {
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
  })

  it('serves on the port given, prints its URL and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affitor-cli-'))
    writeFileSync(join(dir, 'hello.txt'), 'hello')
    const cli = run(['--port', '0', '--static', `/files/=${dir}`, '--test-clock', '--data', join(dir, 'data.jsonl'), '--durable'])
    const url = await cli.listening
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(cli.output().stdout).toContain(`live page: ${url}/__affitor/`)
    expect(await (await fetch(`${url}/files/hello.txt`)).text()).toBe('hello')
    expect((await fetch(`${url}/__affitor/clock`)).status).toBe(200)
    const click = await fetch(`${url}/api/v1/track/click`, { method: 'POST', body: JSON.stringify({ affiliate_url: 'https://x.example/?aff=DEMO' }) })
    expect(click.status).toBe(200)
    const changes = readFileSync(join(dir, 'data.jsonl'), 'utf8').trim().split('\n').slice(1).map((line) => JSON.parse(line))
    expect(changes.flatMap((change) => change.add?.clicks || [])).toHaveLength(1)
    await expect.poll(() => cli.output().stdout).toContain('POST /api/v1/track/click 200')
    expect(await cli.stop()).toBe(0)
    // Stopped, it released the data file.
    expect(existsSync(join(dir, 'data.jsonl.lock'))).toBe(false)
  })

  it('prints the usage for --help', async () => {
    const cli = run(['--help'])
    expect(await cli.exited).toBe(0)
    expect(cli.output().stdout).toContain('Usage: affitor-reference-server')
  })

  it('exits 1 with the reason and the usage for a bad flag, and with a clear line for an invalid seed', async () => {
    const bad = run(['--port', 'x'])
    expect(await bad.exited).toBe(1)
    expect(bad.output().stderr).toContain('--port must be a number from 0 to 65535')
    expect(bad.output().stderr).toContain('Usage:')
    const seed = join(mkdtempSync(join(tmpdir(), 'affitor-cli-')), 'seed.json')
    writeFileSync(seed, '{"programs": []}')
    const invalid = run(['--port', '0', '--seed', seed])
    expect(await invalid.exited).toBe(1)
    expect(invalid.output().stderr).toBe(`Invalid seed file ${seed}: "programs" must be a non-empty array\n`)
  })
})
