// @vitest-environment node
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Detection } from '../../src/cli/detect-framework'
import { CDN_URL, snippetFor, STUB } from '../../src/cli/snippets'

const html: Detection = { framework: 'html', reason: '', typescript: false }
const vite: Detection = { framework: 'vite-react', reason: '', typescript: false }
const nextApp: Detection = { framework: 'next-app', reason: '', routerDir: 'src/app', typescript: true }
const nextPages: Detection = { framework: 'next-pages', reason: '', routerDir: 'pages', typescript: true }

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

  it('points every backend at affitor-tracker/node with the program id and API base', () => {
    for (const detection of [html, vite, nextApp, nextPages]) {
      const backend = snippetFor(detection, { programId: '42', apiBase: 'http://localhost:4700' }).steps.at(-1)
      expect(backend).toContain("import { createAffitorClient } from 'affitor-tracker/node'")
      expect(backend).toContain("programId: '42', apiBase: 'http://localhost:4700'")
      expect(backend).toContain('customer_key: user.id')
    }
  })
})
