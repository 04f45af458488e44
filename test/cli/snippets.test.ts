// @vitest-environment node
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import type { Detection } from '../../src/cli/detect-framework'
import { CDN_URL, snippetFor, STUB } from '../../src/cli/snippets'

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

  it('points every backend at affitor-tracker/node with the program id and API base', () => {
    for (const detection of [html, vite, nextApp, nextPages, nuxt, sveltekit, astro, remix, reactRouter]) {
      const backend = snippetFor(detection, { programId: '42', apiBase: 'http://localhost:4700' }).steps.at(-1)
      expect(backend).toContain("import { createAffitorClient } from 'affitor-tracker/node'")
      expect(backend).toContain("programId: '42', apiBase: 'http://localhost:4700'")
      expect(backend).toContain('customer_key: user.id')
    }
  })
})
