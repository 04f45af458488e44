// @vitest-environment node
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { makeProject, MANIFESTS, removeProjects } from '../helpers/project'

// The built command line, dist/cli.js, as `npx affitor-tracker` runs it: a process of its own.
const BIN = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

afterEach(removeProjects)

/** Runs `affitor-tracker …args` to its end (or until `until` sees its output, then SIGINT). */
function run(args: string[], until?: (out: string) => boolean) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk) => {
    out += chunk
    if (until?.(out)) child.kill('SIGINT')
  })
  child.stderr.on('data', (chunk) => (err += chunk))
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })))
}

describe('dist/cli.js', () => {
  it('is the package\'s affitor-tracker command, run by node', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(manifest.bin['affitor-tracker']).toBe('./dist/cli.js')
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
  })

  it('prints the usage for --help and exits 0', async () => {
    const { code, out, err } = await run(['--help'])
    expect(code).toBe(0)
    expect(out).toMatch(/^Usage: affitor-tracker <command>/)
    expect(err).toBe('')
  })

  it('exits 2 for a bad flag, naming it on stderr with the command\'s usage', async () => {
    const { code, out, err } = await run(['test', 'chain', '--api-bsae', 'http://localhost:4700'])
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toMatch(/^affitor-tracker: Unknown option '--api-bsae'/)
    expect(err).toContain('Usage: affitor-tracker test chain')
  })

  it('exits 0 for an attributed chain against a server of its own', async () => {
    const { code, out } = await run(['test', 'chain', '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ ok: true, steps: [{ verdict: 'recorded' }, { verdict: 'tied' }, { verdict: 'attributed' }] })
  })

  it('exits 1 for a broken chain: a partner the program does not have', async () => {
    const { code, out } = await run(['test', 'chain', '--partner', 'NOBODY'])
    expect(code).toBe(1)
    expect(out).toContain('  ✗ click refused: affitor API answered 400: Referral link not found\n  - lead skipped')
    expect(out).toContain('Broken at the click: error.')
  })

  it('detects the project given with --dir and prints its snippet as JSON', async () => {
    const dir = makeProject({ 'package.json': MANIFESTS.vite })
    const { code, out } = await run(['init', '--program-id', '42', '--dir', dir, '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ framework: 'vite-react', programId: '42', files: [{ path: 'src/affitor.jsx', action: 'printed' }] })
  })

  it('runs dev until interrupted, then exits 0', async () => {
    let apiBase = ''
    const { code, out } = await run(['dev', '--port', '0', '--json'], (out) => {
      if (!out.includes('\n')) return false
      apiBase = JSON.parse(out).apiBase
      return true
    })
    expect(code).toBe(0)
    expect(apiBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(JSON.parse(out)).toMatchObject({ programId: '1', apiKey: 'sk_demo_affitor' })
    await expect(fetch(`${apiBase}/__affitor/events`)).rejects.toThrow()
  })
})
