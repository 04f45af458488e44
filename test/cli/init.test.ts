// @vitest-environment node
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CliError, type InitOptions } from '../../src/cli/args'
import { runInit } from '../../src/cli/init'
import { STUB } from '../../src/cli/snippets'
import { fakeIo } from '../helpers/cli-io'
import { makeProject, MANIFESTS, removeProjects } from '../helpers/project'

afterEach(removeProjects)

const TAG = '<script src="https://unpkg.com/affitor-tracker/dist/affitor-tracker.js" data-affitor-program-id="7" defer></script>'
/** The plain-HTML snippet: the stub, then the tag. */
const SNIPPET = `<script>${STUB}</script>\n${TAG}\n`
const options = (dir: string, more: Partial<InitOptions> = {}): InitOptions => ({ programId: '7', dir, write: false, yes: false, json: false, ...more })

describe('init', () => {
  it('prints the snippet for the detected framework and the steps, writing nothing', async () => {
    const dir = makeProject({ 'index.html': '' })
    const run = fakeIo()
    expect(await runInit(options(dir), run.io)).toBe(0)
    expect(run.out).toContain('Detected plain HTML: no package.json.')
    expect(run.out).toContain(`  ${TAG}\n`)
    expect(run.out).toContain('2. After a visitor registers')
    expect(run.out).toContain("3. On your backend")
    expect(run.err).toBe('')
    expect(existsSync(join(dir, 'affitor.snippet.html'))).toBe(false)
  })

  it('prints the provider for each React framework', async () => {
    const cases = [
      [{ 'package.json': MANIFESTS.vite }, 'Detected Vite + React', 'Add it as src/affitor.jsx:'],
      [{ 'package.json': MANIFESTS.next, 'app/': '', 'tsconfig.json': '{}' }, 'Detected Next.js (App Router)', 'Add it as app/affitor-provider.tsx:'],
      [{ 'package.json': MANIFESTS.next, 'pages/': '' }, 'Detected Next.js (Pages Router)', 'Add it as affitor-provider.jsx:'],
    ] as const
    for (const [files, detected, heading] of cases) {
      const run = fakeIo()
      expect(await runInit(options(makeProject(files)), run.io)).toBe(0)
      expect(run.out).toContain(detected)
      expect(run.out).toContain(heading)
      expect(run.out).toContain('<AffitorProvider programId="7">{children}</AffitorProvider>')
    }
  })

  it('prints the install command first, then an init() module for a Vite app without React, pointed at --api-base', async () => {
    const run = fakeIo()
    const dir = makeProject({ 'package.json': { devDependencies: { vite: '^7.0.0', typescript: '^5.9.0' } }, 'tsconfig.json': '{}' })
    expect(await runInit(options(dir, { apiBase: 'http://localhost:4700' }), run.io)).toBe(0)
    expect(run.out).toMatch(/^Detected Vite: vite in package.json, without react\.\n\nInstall the package:\n\n {2}npm install affitor-tracker\n\nAdd it as src\/affitor\.ts:\n/)
    expect(run.out).toContain("  init({ programId: '7', apiBase: 'http://localhost:4700' })")
    expect(run.out).toContain("1. In src/main.ts, import it first:\n\n  import './affitor'")
    expect(run.out).toContain("  import { signup } from 'affitor-tracker'")
  })

  it('runs in a fresh project of each framework: install command first, then its file pointed at --api-base, written with --write', async () => {
    const local = 'http://localhost:4700'
    const init = `init({ programId: '7', apiBase: '${local}' })`
    const provider = `<AffitorProvider programId="7" apiBase="${local}">{children}</AffitorProvider>`
    const cases = [
      [{ 'package.json': MANIFESTS.nuxt, 'app/app.vue': '', 'tsconfig.json': '{}' }, "Nuxt: nuxt in package.json and an app/ directory (Nuxt 4's layout)", 'app/plugins/affitor.client.ts', init],
      [{ 'package.json': MANIFESTS.sveltekit, 'tsconfig.json': '{}' }, 'SvelteKit: @sveltejs/kit in package.json', 'src/hooks.client.ts', init],
      [{ 'package.json': MANIFESTS.astro, 'src/pages/index.astro': '' }, 'Astro: astro in package.json', 'src/components/Affitor.astro', init],
      [{ 'package.json': MANIFESTS.remix, 'app/root.tsx': '', 'tsconfig.json': '{}' }, 'Remix: @remix-run/react in package.json', 'app/affitor.tsx', provider],
      [{ 'package.json': MANIFESTS.reactRouter, 'app/root.jsx': '' }, 'React Router (framework mode): react-router and @react-router/dev in package.json', 'app/affitor.jsx', provider],
      [{ 'package.json': MANIFESTS.express, 'server.js': '' }, 'Express: express in package.json, without a front-end framework', 'affitor.js', `toNodeHandler(createFirstPartyHandler({ apiBase: '${local}' }))`],
      [{ 'package.json': MANIFESTS.fastify, 'src/server.js': '' }, 'Fastify: fastify in package.json, without a front-end framework', 'src/affitor.js', `toNodeHandler(createFirstPartyHandler({ apiBase: '${local}' }))`],
      [{ 'package.json': MANIFESTS.hono, 'src/index.ts': '', 'tsconfig.json': '{}' }, 'Hono: hono in package.json, without a front-end framework', 'src/affitor.ts', `createAffitorClient({ apiKey: process.env.AFFITOR_API_KEY, programId: '7', apiBase: '${local}' })`],
    ] as const
    for (const [files, detected, path, line] of cases) {
      const dir = makeProject(files)
      const printed = fakeIo()
      expect(await runInit(options(dir, { apiBase: local }), printed.io)).toBe(0)
      expect(printed.out.startsWith(`Detected ${detected}.\n\nInstall the package:\n\n  npm install affitor-tracker\n\nAdd it as ${path}:\n\n`), printed.out).toBe(true)
      expect(printed.out).toContain(`${line}\n`)
      expect(printed.out).toMatch(/\n3\. (On your backend|After each payment, report the sale)/)
      const written = fakeIo()
      expect(await runInit(options(dir, { apiBase: local, write: true }), written.io)).toBe(0)
      expect(readFileSync(join(dir, path), 'utf8')).toContain(line)
    }
  })

  it('writes a new file with --write, creating its directory', async () => {
    const dir = makeProject({ 'package.json': MANIFESTS.vite })
    const run = fakeIo()
    expect(await runInit(options(dir, { write: true }), run.io)).toBe(0)
    expect(run.out).toContain('Wrote src/affitor.jsx:')
    expect(readFileSync(join(dir, 'src/affitor.jsx'), 'utf8')).toContain('<AffitorProvider programId="7">')
  })

  it('refuses to overwrite an existing file when it cannot ask: exit 1, the file unchanged', async () => {
    const dir = makeProject({ 'affitor.snippet.html': 'mine' })
    const run = fakeIo()
    expect(await runInit(options(dir, { write: true }), run.io)).toBe(1)
    expect(run.err).toBe('affitor.snippet.html exists: not overwritten. Pass --yes to overwrite it.\n')
    expect(readFileSync(join(dir, 'affitor.snippet.html'), 'utf8')).toBe('mine')
  })

  it('asks before overwriting on a terminal, and keeps the file on no', async () => {
    const dir = makeProject({ 'affitor.snippet.html': 'mine' })
    const no = fakeIo(false)
    expect(await runInit(options(dir, { write: true }), no.io)).toBe(0)
    expect(no.asked).toEqual(['affitor.snippet.html exists. Overwrite it? [y/N] '])
    expect(no.out).toContain('The snippet (not written to affitor.snippet.html):')
    expect(readFileSync(join(dir, 'affitor.snippet.html'), 'utf8')).toBe('mine')

    const yes = fakeIo(true)
    expect(await runInit(options(dir, { write: true }), yes.io)).toBe(0)
    expect(readFileSync(join(dir, 'affitor.snippet.html'), 'utf8')).toBe(SNIPPET)
  })

  it('overwrites without asking with --yes', async () => {
    const dir = makeProject({ 'affitor.snippet.html': 'mine' })
    const run = fakeIo(false)
    expect(await runInit(options(dir, { write: true, yes: true }), run.io)).toBe(0)
    expect(run.asked).toEqual([])
    expect(readFileSync(join(dir, 'affitor.snippet.html'), 'utf8')).toBe(SNIPPET)
  })

  it('prints one JSON object and nothing else with --json', async () => {
    const dir = makeProject({ 'package.json': MANIFESTS.next, 'src/app/': '' })
    const printed = fakeIo()
    expect(await runInit(options(dir, { json: true }), printed.io)).toBe(0)
    const result = JSON.parse(printed.out)
    expect(result).toEqual({ framework: 'next-app', programId: '7', install: 'npm install affitor-tracker', files: [{ path: 'src/app/affitor-provider.jsx', action: 'printed' }], snippet: expect.stringContaining('programId="7"') })

    const written = fakeIo()
    expect(await runInit(options(dir, { json: true, write: true }), written.io)).toBe(0)
    expect(JSON.parse(written.out).files).toEqual([{ path: 'src/app/affitor-provider.jsx', action: 'written' }])
    expect(readFileSync(join(dir, 'src/app/affitor-provider.jsx'), 'utf8')).toBe(result.snippet)

    const skipped = fakeIo()
    expect(await runInit(options(dir, { json: true, write: true }), skipped.io)).toBe(1)
    expect(JSON.parse(skipped.out).files).toEqual([{ path: 'src/app/affitor-provider.jsx', action: 'skipped' }])
    expect(skipped.err).toContain('not overwritten')
  })

  it('refuses --nonce for a React project, whose bundle carries the tracker: no tag to put it on', async () => {
    const dir = makeProject({ 'package.json': MANIFESTS.vite })
    await expect(runInit(options(dir, { nonce: 'n' }), fakeIo().io)).rejects.toThrow("--nonce is for plain HTML pages: Vite + React bundles the tracker into your app's own scripts")
    expect(existsSync(join(dir, 'src'))).toBe(false)
  })

  it('refuses --nonce for a Node server, whose snippet is server code', async () => {
    const dir = makeProject({ 'package.json': MANIFESTS.fastify })
    await expect(runInit(options(dir, { nonce: 'n' }), fakeIo().io)).rejects.toThrow('--nonce is for plain HTML pages: for Fastify, init prints server code, with no tag to put it on')
  })

  it('refuses a --dir that is not a directory with a CliError naming the flag', async () => {
    const dir = makeProject({ file: 'x' })
    await expect(runInit(options(join(dir, 'missing')), fakeIo().io)).rejects.toThrow(CliError)
    await expect(runInit(options(join(dir, 'file')), fakeIo().io)).rejects.toThrow(`--dir: no such directory "${join(dir, 'file')}"`)
  })
})
