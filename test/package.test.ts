// @vitest-environment node
/**
 * The package as a user installs it: packed (`npm pack`) from the built files, checked by
 * `@arethetypeswrong/cli` and `publint`, then unpacked into small consumer projects that
 * type-check every subpath under each TypeScript module resolution with `skipLibCheck: false`,
 * and load every subpath from Node by `require()` and by `import()`. Run after `npm run build`.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '..')
const BIN = join(ROOT, 'node_modules/.bin')
/** Every subpath of the package's `exports` that holds code. */
const SUBPATHS = ['', '/ky', '/links', '/react', '/cdn', '/cdn/debug', '/cdn/links', '/cdn/links/debug', '/node', '/first-party', '/reference-server']
/** What a consumer of every subpath has installed, linked from this repo: the dependencies, the peer, their types. */
const INSTALLED = [...Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies), 'react', 'react-dom', '@types/react', '@types/node']

let work: string
let tarball: string

/** Runs a command; resolves with its output, or throws with it. */
function run(file: string, args: string[], cwd: string): string {
  try {
    return execFileSync(file, args, { cwd, encoding: 'utf8', stdio: 'pipe' })
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string }
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout}\n${stderr}`)
  }
}

/** A consumer project in `name`/: the unpacked package and the linked dependencies. */
function consumer(name: string, files: Record<string, string>): string {
  const dir = join(work, name)
  mkdirSync(join(dir, 'node_modules/@types'), { recursive: true })
  run('tar', ['-xzf', tarball, '-C', join(dir, 'node_modules')], dir)
  run('mv', [join(dir, 'node_modules/package'), join(dir, 'node_modules/affitor-tracker')], dir)
  for (const name of INSTALLED) symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name))
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text)
  return dir
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'affitor-package-'))
  // The built files as they are (`npm test` builds first); `prepack` would build them again.
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], ROOT)
  tarball = join(work, readdirSync(work).find((file) => file.endsWith('.tgz'))!)
}, 120_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the packed package', () => {
  it('ships dist/ with the declarations of every subpath', () => {
    const listed = run('tar', ['-tzf', tarball], work)
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/affitor-tracker.js', 'dist/affitor-tracker.links.js', 'dist/links.d.ts', 'dist/cdn.d.ts', 'dist/server/index.d.cts', 'dist/cli.js']) {
      expect(listed).toContain(`package/${file}`)
    }
  })

  it('passes @arethetypeswrong/cli under node10, node16 (from CJS and ESM) and bundler', () => {
    expect(run(join(BIN, 'attw'), [tarball, '--format', 'ascii', '--exclude-entrypoints', 'cdn', 'cdn/debug', 'cdn/links', 'cdn/links/debug'], work)).toContain('No problems found')
    // The CDN files are scripts, not modules: ES modules to Node (the package is `"type": "module"`),
    // so a require() of them gets an ES module, which is what they are.
    expect(run(join(BIN, 'attw'), [tarball, '--format', 'ascii', '--entrypoints', 'cdn', 'cdn/debug', 'cdn/links', 'cdn/links/debug', '--ignore-rules', 'cjs-resolves-to-esm'], work)).toContain('No problems found')
  }, 120_000)

  it('passes publint', () => {
    const dir = join(work, 'publint')
    mkdirSync(dir)
    run('tar', ['-xzf', tarball, '-C', dir], work)
    expect(run(join(BIN, 'publint'), ['run', join(dir, 'package'), '--strict', '--pack', 'false'], work)).toContain('All good')
  }, 60_000)
})

/**
 * Uses something of every subpath, its types included. The CDN files are ES modules to Node, so a
 * CommonJS file under node16 takes their types with `resolution-mode: "import"`, as TypeScript asks.
 */
const uses = (commonjs: boolean) => `import { createTracker, type TrackResult } from 'affitor-tracker'
import { createKyTransport } from 'affitor-tracker/ky'
import { followLinks, type LinkOptions } from 'affitor-tracker/links'
import { AffitorProvider, useAffitor } from 'affitor-tracker/react'
import { createAffitorClient } from 'affitor-tracker/node'
import { createFirstPartyHandler } from 'affitor-tracker/first-party'
import { createReferenceHandler } from 'affitor-tracker/reference-server'
import type { AffitorGlobal } from 'affitor-tracker/cdn'${commonjs ? ` with { 'resolution-mode': 'import' }` : ''}
import 'affitor-tracker/cdn/debug'
import 'affitor-tracker/cdn/links'

const tracker = createTracker({ programId: 1, transport: createKyTransport({ timeout: 5000 }) })
const result: Promise<TrackResult> = tracker.signup('user_1', 'a@b.co')
const global: AffitorGlobal | undefined = window.affitor
const linked: LinkOptions = { programId: 1, linkDomains: ['shop.app'], stripe: true }
followLinks(linked)
const attributed: boolean | undefined = window.affitor?.hasAffiliateAttribution
export const used = [result, global, attributed, AffitorProvider, useAffitor, createAffitorClient({ apiKey: 'k' }), createFirstPartyHandler, createReferenceHandler]
`

/** tsconfig compiler options per resolution mode; `module` picks the format of `.ts` files with the package.json's `type`. */
const MODES: Record<string, { options: Record<string, unknown>; type: 'module' | 'commonjs'; file: string }> = {
  bundler: { options: { module: 'esnext', moduleResolution: 'bundler' }, type: 'module', file: 'uses.ts' },
  'node16 from ESM': { options: { module: 'node16', moduleResolution: 'node16' }, type: 'module', file: 'uses.ts' },
  'node16 from CommonJS': { options: { module: 'node16', moduleResolution: 'node16' }, type: 'commonjs', file: 'uses.ts' },
  'nodenext from ESM': { options: { module: 'nodenext', moduleResolution: 'nodenext' }, type: 'module', file: 'uses.ts' },
  'nodenext from CommonJS': { options: { module: 'nodenext', moduleResolution: 'nodenext' }, type: 'commonjs', file: 'uses.ts' },
  node10: { options: { module: 'commonjs', moduleResolution: 'node10' }, type: 'commonjs', file: 'uses.ts' },
}

describe('TypeScript consumers, skipLibCheck off', () => {
  it.each(Object.keys(MODES))('type-check every subpath under %s', (mode) => {
    const { options, type, file } = MODES[mode]
    const tsconfig = { compilerOptions: { ...options, target: 'es2022', lib: ['es2022', 'dom'], types: ['node'], strict: true, skipLibCheck: false, noEmit: true, jsx: 'react-jsx' }, files: [file] }
    const dir = consumer(mode.replace(/ /g, '-'), { 'package.json': JSON.stringify({ type }), 'tsconfig.json': JSON.stringify(tsconfig), [file]: uses(type == 'commonjs') })
    // The output says which declaration failed and why.
    expect(() => run(join(BIN, 'tsc'), ['-p', '.'], dir)).not.toThrow()
  }, 60_000)
})

describe('Node consumers', () => {
  it.each(['require', 'import'])('load every subpath by %s()', (how) => {
    const dir = consumer(`node-${how}`, {})
    const load = SUBPATHS.map((subpath) => `affitor-tracker${subpath}`)
    const script =
      how == 'require'
        ? `for (const name of ${JSON.stringify(load)}) { const m = require(name); if (!m) throw new Error(name) } console.log('loaded')`
        : `Promise.all(${JSON.stringify(load)}.map((name) => import(name))).then(() => console.log('loaded'), (e) => { console.error(e); process.exit(1) })`
    expect(run(process.execPath, ['-e', script], dir)).toContain('loaded')
  }, 60_000)
})
