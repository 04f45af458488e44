// @vitest-environment node
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, type Backend, type Detection } from '../../src/cli/detect-framework'
import { CDN_URL, snippetFor, STUB, type Snippet } from '../../src/cli/snippets'
import { startReferenceServer, type ReferenceServer } from '../../src/server'
import { makeProject, removeProjects } from '../helpers/project'

const html: Detection = { framework: 'html', reason: '', typescript: false }
const vite: Detection = { framework: 'vite-react', reason: '', typescript: false }
const nextApp: Detection = { framework: 'next-app', reason: '', routerDir: 'src/app', typescript: true }
const nextPages: Detection = { framework: 'next-pages', reason: '', routerDir: 'pages', typescript: true }
const nuxt: Detection = { framework: 'nuxt', reason: '', typescript: true }
const sveltekit: Detection = { framework: 'sveltekit', reason: '', typescript: true }
const astro: Detection = { framework: 'astro', reason: '', typescript: true }
const remix: Detection = { framework: 'remix', reason: '', typescript: true }
const reactRouter: Detection = { framework: 'react-router', reason: '', typescript: false }
const LOCAL = { programId: '42', apiBase: 'http://localhost:4700' }

/**
 * The syntax errors in `code` read as the file `fileName`, whose extension says TypeScript,
 * TSX, JavaScript or JSX (types in a .js file are one). Syntax only: the frameworks' own types
 * are not here to check against.
 */
function syntaxErrors(code: string, fileName: string): string[] {
  const { diagnostics = [] } = ts.transpileModule(code, { fileName, reportDiagnostics: true, compilerOptions: { jsx: ts.JsxEmit.Preserve } })
  return diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
}

/** The code block of a step, as printed: its lines indented by two spaces, without the indent. */
const codeOf = (step: string) =>
  step
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => line.slice(2))
    .join('\n')

describe('snippetFor', () => {
  it('puts a CSP nonce on the tag and brings the stub, allowed by the same nonce, for plain HTML', () => {
    const snippet = snippetFor(html, { programId: '42', nonce: '{{ csp_nonce }}' })
    expect(snippet.code).toBe(
      `<script nonce="{{ csp_nonce }}">${STUB}</script>\n<script src="${CDN_URL}" data-affitor-program-id="42" nonce="{{ csp_nonce }}" defer></script>\n`,
    )
    expect(snippet.steps[0]).toMatch(/^Paste the script tags /)
  })

  it('has the stub the docs print, with the hash they give for policies without a nonce', () => {
    const page = readFileSync(new URL('../../docs/script-tag.md', import.meta.url), 'utf8')
    expect(page).toContain(`<script>${STUB}</script>`)
    expect(page).toContain(`'sha256-${createHash('sha256').update(STUB).digest('base64')}'`)
  })

  it('gives plain HTML the CDN script tag with the program id, in affitor.snippet.html', () => {
    const snippet = snippetFor(html, { programId: '42' })
    expect(snippet.path).toBe('affitor.snippet.html')
    expect(snippet.code).toBe(`<script>${STUB}</script>\n<script src="https://unpkg.com/affitor-tracker/dist/affitor-tracker.js" data-affitor-program-id="42" defer></script>\n`)
    expect(snippetFor(html, { programId: '42', apiBase: 'http://localhost:4700' }).code).toContain(' data-affitor-program-id="42" data-affitor-api-base="http://localhost:4700" defer>')
  })

  it('tells plain HTML to call signup through the stub the README teaches, which works before the script has loaded', () => {
    expect(snippetFor(html, { programId: '42' }).steps.join('\n')).toContain("affitor('signup', user.id, user.email)")
  })

  it('gives Vite + React a provider component in src/affitor.jsx and the lines for src/main.jsx', () => {
    const snippet = snippetFor(vite, { programId: '42' })
    expect(snippet.path).toBe('src/affitor.jsx')
    expect(snippet.code).toContain("import { AffitorProvider } from 'affitor-tracker/react'")
    expect(snippet.code).toContain('export function Affitor({ children }) {')
    expect(snippet.code).toContain('<AffitorProvider programId="42">{children}</AffitorProvider>')
    expect(snippet.code).not.toContain('ReactNode')
    expect(snippet.steps[0]).toContain('In src/main.jsx')
    expect(snippet.steps[0]).toContain('<Affitor><App /></Affitor>')
    expect(snippet.steps[1]).toContain('const { signup } = useAffitor()')
    expect(snippet.steps[0]).toContain("createRoot(document.getElementById('root')).render(")
    const typed = snippetFor({ ...vite, typescript: true }, { programId: '42' })
    expect(typed.path).toBe('src/affitor.tsx')
    // Under strict TypeScript, getElementById() may be null: the line must compile as printed.
    expect(typed.steps[0]).toContain("createRoot(document.getElementById('root')!).render(")
  })

  it('gives the App Router a typed provider next to the root layout, with the API base when given', () => {
    const snippet = snippetFor(nextApp, { programId: '42', apiBase: 'http://localhost:4700' })
    expect(snippet.path).toBe('src/app/affitor-provider.tsx')
    expect(snippet.code).toContain('export function Affitor({ children }: { children: ReactNode }) {')
    expect(snippet.code).toContain('<AffitorProvider programId="42" apiBase="http://localhost:4700">')
    expect(snippet.steps[0]).toContain('In src/app/layout.tsx')
    expect(snippet.steps[0]).toContain('<body><Affitor>{children}</Affitor></body>')
  })

  it('gives the Pages Router a provider outside pages/ (every file there is a route) and the _app lines', () => {
    const snippet = snippetFor(nextPages, { programId: '42' })
    expect(snippet.path).toBe('affitor-provider.tsx')
    expect(snippet.steps[0]).toContain('In pages/_app.tsx')
    expect(snippet.steps[0]).toContain("import { Affitor } from '../affitor-provider'")
    expect(snippetFor({ ...nextPages, routerDir: 'src/pages' }, { programId: '42' }).path).toBe('src/affitor-provider.tsx')
  })

  it('gives Nuxt a client-only plugin in plugins/, or in app/plugins/ for Nuxt 4, that starts the tracker', () => {
    const snippet = snippetFor(nuxt, LOCAL)
    expect(snippet.path).toBe('plugins/affitor.client.ts')
    expect(snippet.code).toMatch(/^import \{ init \} from 'affitor-tracker'\n/)
    expect(snippet.code).toContain("export default defineNuxtPlugin(() => {\n  init({ programId: '42', apiBase: 'http://localhost:4700' })\n})\n")
    expect(snippet.steps[0]).toContain('Nuxt loads every file in plugins/ by itself')
    expect(snippet.steps[1]).toContain("import { signup } from 'affitor-tracker'\n\n  await signup(user.id, user.email)")
    expect(snippetFor({ ...nuxt, srcDir: 'app', typescript: false }, LOCAL).path).toBe('app/plugins/affitor.client.js')
  })

  it("gives SvelteKit a src/hooks.client file starting the tracker, or a module its own client hooks import", () => {
    const fresh = snippetFor(sveltekit, LOCAL)
    expect(fresh.path).toBe('src/hooks.client.ts')
    expect(fresh.code).toMatch(/^import \{ init \} from 'affitor-tracker'\n[^]*\ninit\(\{ programId: '42', apiBase: 'http:\/\/localhost:4700' \}\)\n$/)
    expect(fresh.steps[0]).toBe('Nothing else to change: SvelteKit loads src/hooks.client.ts by itself, in the browser only.')
    // A hooks file of the project's own is never the one written.
    const existing = snippetFor({ ...sveltekit, clientHooks: 'src/hooks.client.js', typescript: false }, LOCAL)
    expect(existing.path).toBe('src/lib/affitor.js')
    expect(existing.steps[0]).toBe("In src/hooks.client.js, import it first:\n\n  import '$lib/affitor'")
    expect(existing.steps[1]).toContain("import { signup } from 'affitor-tracker'")
  })

  it("gives Astro a component whose bundled <script> starts the tracker, rendered in the layout's head", () => {
    const snippet = snippetFor(astro, LOCAL)
    expect(snippet.path).toBe('src/components/Affitor.astro')
    // Frontmatter between fences, then a plain <script> (no is:inline: Astro bundles it and resolves its import).
    expect(snippet.code).toMatch(/^---\n(\/\/ .*\n)+---\n<script>\n {2}import \{ init \} from 'affitor-tracker'\n\n {2}init\(\{ programId: '42', apiBase: 'http:\/\/localhost:4700' \}\)\n<\/script>\n$/)
    expect(snippet.steps[0]).toContain("  ---\n  import Affitor from '../components/Affitor.astro'\n  ---\n  <head>\n    <Affitor />\n  </head>")
    expect(snippet.steps[1]).toContain("import { signup } from 'affitor-tracker'")
  })

  it('gives Remix and React Router a provider next to app/root, wrapping the outlet', () => {
    const snippet = snippetFor(remix, LOCAL)
    expect(snippet.path).toBe('app/affitor.tsx')
    expect(snippet.code).toContain("import { AffitorProvider } from 'affitor-tracker/react'")
    expect(snippet.code).toContain('<AffitorProvider programId="42" apiBase="http://localhost:4700">{children}</AffitorProvider>')
    expect(snippet.steps[0]).toMatch(/^In app\/root\.tsx, wrap the outlet in it/)
    expect(codeOf(snippet.steps[0])).toBe("import { Affitor } from './affitor'\nexport default function App() {\n  return <Affitor><Outlet /></Affitor>\n}")
    expect(snippet.steps[1]).toContain('const { signup } = useAffitor()')
    const plain = snippetFor(reactRouter, { programId: '42' })
    expect(plain.path).toBe('app/affitor.jsx')
    expect(plain.steps[0]).toMatch(/^In app\/root\.jsx/)
    expect(plain.code).not.toContain('ReactNode')
  })

  it('writes every new snippet and step as code that parses, in TypeScript and in JavaScript', () => {
    const kinds: Detection[] = [nuxt, { ...nuxt, srcDir: 'app' }, sveltekit, { ...sveltekit, clientHooks: 'src/hooks.client.ts' }, remix, reactRouter]
    for (const detection of kinds.flatMap((kind) => [kind, { ...kind, typescript: !kind.typescript }])) {
      const snippet = snippetFor(detection, LOCAL)
      expect(syntaxErrors(snippet.code, snippet.path), snippet.path).toEqual([])
      for (const step of snippet.steps) expect(syntaxErrors(codeOf(step), snippet.path.replace(/\.(\w+)$/, '.step.$1')), step).toEqual([])
    }
    // Astro: the frontmatter and the script are TypeScript, in the component and in the layout's lines.
    const component = snippetFor(astro, LOCAL)
    const [, frontmatter, script] = component.code.match(/^---\n([^]*?)---\n<script>\n([^]*)<\/script>\n$/)!
    expect(syntaxErrors(frontmatter, 'frontmatter.ts')).toEqual([])
    expect(syntaxErrors(script, 'script.ts')).toEqual([])
    expect(syntaxErrors(codeOf(component.steps[0]).split('---')[1], 'layout.ts')).toEqual([])
  })

  it('gives a Node server the backend client and the first-party endpoint in one module, pointed at --api-base, and no browser snippet', () => {
    const express = snippetFor({ framework: 'express', reason: '', module: 'esm', typescript: false }, LOCAL)
    expect(express.path).toBe('affitor.js')
    expect(express.code).toContain("export const affitor = createAffitorClient({ apiKey: process.env.AFFITOR_API_KEY, programId: '42', apiBase: 'http://localhost:4700' })")
    expect(express.code).toContain("export const affitorFirstParty = toNodeHandler(createFirstPartyHandler({ apiBase: 'http://localhost:4700' }))")
    expect(express.code).not.toMatch(/<script|from 'affitor-tracker'/)
    expect(codeOf(express.steps[0])).toBe("import { affitor, affitorFirstParty } from './affitor.js'\napp.use(affitorFirstParty)")
    expect(express.steps[1]).toContain('readClickId(req)')
    expect(express.steps[2]).toContain('await affitor.trackSale({ transaction_id: order.id, amount_cents: order.totalCents, customer_key: user.id })')
    expect(express.steps[3]).toContain('data-affitor-endpoint="/_affitor"')

    // CommonJS: require() and module.exports, and the import without an extension.
    const required = snippetFor({ framework: 'express', reason: '', module: 'commonjs', srcDir: 'src', typescript: false }, { programId: '42' })
    expect(required.path).toBe('src/affitor.js')
    expect(required.code).toMatch(/^const \{ createFirstPartyHandler, toNodeHandler \} = require\('affitor-tracker\/first-party'\)\n/)
    expect(required.code).toContain('const affitorFirstParty = toNodeHandler(createFirstPartyHandler())\n\nmodule.exports = { affitor, affitorFirstParty }\n')
    expect(required.steps[0]).toContain("const { affitor, affitorFirstParty } = require('./affitor')")

    const fastify = snippetFor({ framework: 'fastify', reason: '', module: 'commonjs', typescript: true }, LOCAL)
    expect(fastify.path).toBe('affitor.ts')
    expect(fastify.code).toContain('export function affitorFirstParty(req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {')
    expect(codeOf(fastify.steps[0])).toBe("import { affitor, affitorFirstParty } from './affitor'\napp.addHook('onRequest', affitorFirstParty)")

    const hono = snippetFor({ framework: 'hono', reason: '', module: 'esm', typescript: true }, LOCAL)
    expect(hono.code).toContain("export const affitorFirstParty = createFirstPartyHandler({ apiBase: 'http://localhost:4700' })")
    expect(codeOf(hono.steps[0])).toContain("app.all('/_affitor/*', (c) => affitorFirstParty(c.req.raw))")
    expect(hono.steps[1]).toContain('readClickId(c.req.raw)')

    // On Cloudflare Workers: the client made from the request's env, an ES module even without "type": "module".
    const worker = snippetFor({ framework: 'hono', reason: '', module: 'commonjs', typescript: false, workers: true }, LOCAL)
    expect(worker.code).toContain("export const affitorFor = (env) => createAffitorClient({ apiKey: env.AFFITOR_API_KEY, programId: '42', apiBase: 'http://localhost:4700' })")
    expect(worker.code).not.toMatch(/process\.env|require\(/)
    expect(codeOf(worker.steps[0])).toContain("import { affitorFor, affitorFirstParty } from './affitor.js'")
    expect(codeOf(worker.steps[1])).toContain('c.executionCtx.waitUntil(affitorFor(c.env).trackLead(')
    expect(codeOf(worker.steps[2])).toBe('await affitorFor(c.env).trackSale({ transaction_id: order.id, amount_cents: order.totalCents, customer_key: user.id })')
  })

  it('points every backend at affitor-tracker/node with the program id and API base', () => {
    for (const detection of [html, vite, nextApp, nextPages, nuxt, sveltekit, astro, remix, reactRouter]) {
      const backend = snippetFor(detection, { programId: '42', apiBase: 'http://localhost:4700' }).steps.at(-1)
      expect(backend).toContain("import { createAffitorClient } from 'affitor-tracker/node'")
      expect(backend).toContain("programId: '42', apiBase: 'http://localhost:4700'")
      expect(backend).toContain('customer_key: user.id')
    }
  })
})

/** How a Node server's project loads its files: JavaScript with `"type": "module"` or without, or TypeScript. */
const STYLES = {
  esm: { typescript: false, module: 'esm' },
  commonjs: { typescript: false, module: 'commonjs' },
  'typescript-esm': { typescript: true, module: 'esm' },
  'typescript-commonjs': { typescript: true, module: 'commonjs' },
} as const
type Style = keyof typeof STYLES

/** The repository's node_modules, where `affitor-tracker` is the package itself (its `dist/`), and express, fastify and hono are. */
const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url))

const isImport = (line: string) => /^import |^const .* = require\(/.test(line)

/**
 * A server's app as its author would write it around the steps' lines, taken from the steps as
 * printed: their imports at the top, the first step's mount after the app is made, the lead in a
 * signup route, the sale in an orders route. `GET /` answers `home`. It prints its address once
 * it listens.
 */
function appSource(server: Backend, snippet: Snippet, style: Style, workers = false): string {
  const { typescript, module } = STYLES[style]
  const commonjs = !typescript && module == 'commonjs'
  const blocks = snippet.steps.slice(0, 3).map((step) => codeOf(step).split('\n'))
  const imports = [...new Set(blocks.flat().filter(isImport))]
  const [mount, lead, sale] = blocks.map((lines) => lines.filter((line) => line && !isImport(line)).join('\n'))
  const use = (what: string, from: string) => (commonjs ? `const ${what} = require('${from}')` : `import ${what} from '${from}'`)
  const typed = (annotation: string) => (typescript ? annotation : '')
  const listen = `() => console.log(JSON.stringify(server.address()))`
  const apps: Record<Backend, string[]> = {
    express: [
      use('express', 'express'),
      ...imports,
      `const app = express()`,
      mount,
      `app.use(express.json())`,
      `app.post('/signup', async (req, res) => {`,
      `  const user = { id: req.body.id, email: req.body.email }`,
      lead,
      `  res.json(user)`,
      `})`,
      `app.post('/orders', async (req, res) => {`,
      `  const user = { id: req.body.user_id }`,
      `  const order = { id: req.body.order_id, totalCents: req.body.amount_cents }`,
      sale,
      `  res.json({ reported: order.id })`,
      `})`,
      `app.get('/', (_req, res) => { res.send('home') })`,
      `const server = app.listen(0, '127.0.0.1', ${listen})`,
    ],
    fastify: [
      use('Fastify', 'fastify'),
      ...imports,
      `const app = Fastify()`,
      mount,
      `app.post${typed('<{ Body: Record<string, any> }>')}('/signup', async (req) => {`,
      `  const user = { id: req.body.id, email: req.body.email }`,
      lead,
      `  return user`,
      `})`,
      `app.post${typed('<{ Body: Record<string, any> }>')}('/orders', async (req) => {`,
      `  const user = { id: req.body.user_id }`,
      `  const order = { id: req.body.order_id, totalCents: req.body.amount_cents }`,
      sale,
      `  return { reported: order.id }`,
      `})`,
      `app.get('/', async () => 'home')`,
      `const server = app.server`,
      `app.listen({ port: 0, host: '127.0.0.1' }).then(${listen})`,
    ],
    hono: [
      use('{ createServer }', 'node:http'),
      use('{ Hono }', 'hono'),
      ...imports,
      `const app = new Hono${workers && typescript ? '<{ Bindings: { AFFITOR_API_KEY: string } }>' : ''}()`,
      mount,
      `app.post('/signup', async (c) => {`,
      `  const body = await c.req.json()`,
      `  const user = { id: body.id, email: body.email }`,
      lead,
      `  return c.json(user)`,
      `})`,
      `app.post('/orders', async (c) => {`,
      `  const body = await c.req.json()`,
      `  const user = { id: body.user_id }`,
      `  const order = { id: body.order_id, totalCents: body.amount_cents }`,
      sale,
      `  return c.json({ reported: order.id })`,
      `})`,
      `app.get('/', (c) => c.text('home'))`,
      ...(workers ? workerRuntime(typed) : nodeServer(typed)),
    ],
  }
  return apps[server].join('\n') + '\n'
}

/** What @hono/node-server does, reduced to what these requests need: the body read, each cookie its own header. */
function nodeServer(typed: (annotation: string) => string): string[] {
  const listen = `() => console.log(JSON.stringify(server.address()))`
  return [
      // What @hono/node-server does, reduced to what these requests need: the body read, each cookie its own header.
      `const server = createServer(async (req, res) => {`,
      `  const chunks${typed(': Buffer[]')} = []`,
      `  for await (const chunk of req) chunks.push(chunk)`,
      `  const init = { method: req.method, headers: req.headers${typed(' as Record<string, string>')}, ...(chunks.length > 0 && { body: Buffer.concat(chunks) }) }`,
      `  const response = await app.fetch(new Request('http://' + req.headers.host + req.url, init))`,
      `  res.statusCode = response.status`,
      `  response.headers.forEach((value, name) => { if (name != 'set-cookie') res.setHeader(name, value) })`,
      `  res.setHeader('set-cookie', response.headers.getSetCookie())`,
      `  res.end(Buffer.from(await response.arrayBuffer()))`,
      `})`,
      `server.listen(0, '127.0.0.1', ${listen})`,
  ]
}

/**
 * Cloudflare's runtime as a Worker meets it, on Node: \`app.fetch(request, env, ctx)\`, the secret
 * in \`env\` (the process has none in \`process.env\`), \`ctx.waitUntil()\` keeping the work it is
 * handed. Each cookie its own header, as in {@link nodeServer}.
 */
function workerRuntime(typed: (annotation: string) => string): string[] {
  return [
    `const env = { AFFITOR_API_KEY: 'sk_demo_affitor' }`,
    `const ctx = { waitUntil(promise${typed(': Promise<unknown>')}) { promise.then(() => console.error('waitUntil settled')) }, passThroughOnException() {}, props: {} }`,
    `const server = createServer(async (req, res) => {`,
    `  const chunks${typed(': Buffer[]')} = []`,
    `  for await (const chunk of req) chunks.push(chunk)`,
    `  const init = { method: req.method, headers: req.headers${typed(' as Record<string, string>')}, ...(chunks.length > 0 && { body: Buffer.concat(chunks) }) }`,
    `  const response = await app.fetch(new Request('http://' + req.headers.host + req.url, init), env, ctx)`,
    `  res.statusCode = response.status`,
    `  response.headers.forEach((value, name) => { if (name != 'set-cookie') res.setHeader(name, value) })`,
    `  res.setHeader('set-cookie', response.headers.getSetCookie())`,
    `  res.end(Buffer.from(await response.arrayBuffer()))`,
    `})`,
    `server.listen(0, '127.0.0.1', () => console.log(JSON.stringify(server.address())))`,
  ]
}

/**
 * A project of `server` in `style`, with the snippet pointed at `apiBase` written where init
 * writes it and the app beside it. Its node_modules is the repository's, so `affitor-tracker`
 * is the built package, as `npm install affitor-tracker` would give.
 */
function serverProject(server: Backend, style: Style, apiBase: string, workers = false) {
  const { typescript, module } = STYLES[style]
  const detection: Detection = { framework: server, reason: '', typescript, module, ...(workers && { workers }) }
  const snippet = snippetFor(detection, { programId: '1', apiBase })
  const app = `app.${typescript ? 'ts' : 'js'}`
  const dir = makeProject({
    'package.json': { name: 'shop', private: true, ...(module == 'esm' && { type: 'module' }) },
    [snippet.path]: snippet.code,
    [app]: appSource(server, snippet, style, workers),
  })
  symlinkSync(NODE_MODULES, join(dir, 'node_modules'), 'dir')
  return { dir, snippet, files: [join(dir, snippet.path), join(dir, app)] }
}

/** TypeScript's errors in `files`, checked against the real types of Node, Express, Fastify, Hono and the built package. */
function typeErrors(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    typeRoots: [join(NODE_MODULES, '@types')],
    esModuleInterop: true,
    skipLibCheck: true,
  })
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => `${diagnostic.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`)
}

describe('the server snippets, run against the reference server', () => {
  let reference: ReferenceServer
  const children: ChildProcess[] = []
  beforeAll(async () => {
    reference = await startReferenceServer({ port: 0, log: false })
  })
  afterEach(() => {
    for (const child of children.splice(0)) child.kill()
    removeProjects()
  })
  afterAll(() => reference.close())

  /** Starts the project's app (TypeScript transpiled first, as tsc would) and resolves with its URL and what it wrote on stderr. */
  async function start(dir: string, style: Style, files: string[], env: NodeJS.ProcessEnv = { ...process.env, AFFITOR_API_KEY: 'sk_demo_affitor' }) {
    const { typescript, module } = STYLES[style]
    for (const file of typescript ? files : []) {
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: module == 'esm' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS, esModuleInterop: true } })
      writeFileSync(file.replace(/\.ts$/, '.js'), outputText)
    }
    const entry = files[1].replace(/\.ts$/, '.js')
    const child = spawn(process.execPath, [entry], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    const output = { stderr: '' }
    child.stderr!.on('data', (chunk) => (output.stderr += chunk))
    const address = await new Promise<{ port: number }>((resolve, reject) => {
      child.stdout!.once('data', (chunk) => resolve(JSON.parse(String(chunk))))
      child.once('exit', (code) => reject(new Error(`${entry} exited ${code}: ${output.stderr}`)))
    })
    return { url: `http://127.0.0.1:${address.port}`, output }
  }

  const events = async (type: string) => ((await (await fetch(`${reference.url}/__affitor/events?type=${type}`)).json()) as { events: any[] }).events

  describe.each(BACKENDS)('%s', (server) => {
    it.each(Object.keys(STYLES) as Style[])('%s: a first-party click, a lead tied to it, an organic signup that still succeeds, an attributed sale', async (style) => {
      const { dir, files } = serverProject(server, style, reference.url)
      const { url, output } = await start(dir, style, files)
      const post = (path: string, body: object, cookie?: string) =>
        fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie && { cookie }) }, body: JSON.stringify(body) })

      // The browser tracker's click, to this server's /_affitor: forwarded, and its cookie set by this server (host-only on an IP).
      const click = await post('/_affitor/api/v1/track/click', { affiliate_url: 'https://shop.test/?aff=P1' })
      expect(click.status).toBe(200)
      const { click_id: clickId } = await click.json()
      expect(click.headers.getSetCookie()).toEqual([`affitor_click_id=${clickId}; Path=/; Max-Age=5184000; SameSite=Lax`, 'affitor_partner_code=P1; Path=/; Max-Age=5184000; SameSite=Lax'])
      expect((await events('click')).find((event) => event.click_id == clickId)).toMatchObject({ partner_code: 'P1' })

      const userId = `user_${server}_${style}_${Date.now()}`
      expect(await (await post('/signup', { id: userId, email: `${userId}@shop.test` }, `theme=dark; affitor_click_id=${clickId}`)).json()).toEqual({ id: userId, email: `${userId}@shop.test` })
      expect((await events('lead')).find((event) => event.customer_key == userId)).toMatchObject({ click_id: clickId, partner_code: 'P1' })

      // No click: the customer is recorded, unattributed.
      expect((await post('/signup', { id: `${userId}_organic`, email: 'organic@shop.test' })).status).toBe(200)
      expect((await events('lead')).find((event) => event.customer_key == `${userId}_organic`)).toMatchObject({ click_id: null })
      // A lead that cannot be taken (no user id, no click) is logged, and the signup answered all the same.
      expect((await post('/signup', { id: '', email: 'nobody@shop.test' })).status).toBe(200)
      await expect.poll(() => output.stderr).toContain('affitor lead: trackLead(): customer_key or click_id is required')

      expect((await post('/orders', { user_id: userId, order_id: `order_${userId}`, amount_cents: 4_900 })).status).toBe(200)
      expect((await events('sale')).find((event) => event.customer_key == userId)).toMatchObject({ attributed: true, partner_code: 'P1', amount_cents: 4_900 })
      // Every other path is the app's.
      expect(await (await fetch(url + '/')).text()).toBe('home')
    })

    it('type-checks in TypeScript, as an ES module and as CommonJS, against the real types', () => {
      const files = (['typescript-esm', 'typescript-commonjs'] as const).flatMap((style) => serverProject(server, style, reference.url).files)
      expect(typeErrors(files)).toEqual([])
    }, 30_000)
  })

  describe('hono on Cloudflare Workers', () => {
    it.each(['esm', 'typescript-esm'] as Style[])('%s: the key from c.env, none in process.env; the lead handed to waitUntil(), the sale attributed', async (style) => {
      const { dir, files, snippet } = serverProject('hono', style, reference.url, true)
      expect(snippet.code).not.toContain('process.env')
      const { AFFITOR_API_KEY: _none, ...env } = process.env
      const { url, output } = await start(dir, style, files, env)
      const post = (path: string, body: object, cookie?: string) =>
        fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie && { cookie }) }, body: JSON.stringify(body) })

      const { click_id: clickId } = await (await post('/_affitor/api/v1/track/click', { affiliate_url: 'https://shop.test/?aff=P1' })).json()
      const userId = `user_workers_${style}_${Date.now()}`
      expect((await post('/signup', { id: userId, email: `${userId}@shop.test` }, `affitor_click_id=${clickId}`)).status).toBe(200)
      await expect.poll(() => output.stderr).toContain('waitUntil settled')
      expect((await events('lead')).find((event) => event.customer_key == userId)).toMatchObject({ click_id: clickId, partner_code: 'P1' })
      // A sale needs the key: it came from env.
      expect((await post('/orders', { user_id: userId, order_id: `order_${userId}`, amount_cents: 4_900 })).status).toBe(200)
      expect((await events('sale')).find((event) => event.customer_key == userId)).toMatchObject({ attributed: true, partner_code: 'P1' })
      expect(output.stderr).not.toContain('affitor')
    })

    it('type-checks against the real types', () => {
      expect(typeErrors(serverProject('hono', 'typescript-esm', reference.url, true).files)).toEqual([])
    }, 30_000)
  })
})
