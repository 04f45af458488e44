// @vitest-environment node
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const built = (file: string) => readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8')

/** Strings that survive minification and belong to one optional part only. */
const MARKERS = {
  'the React binding': ['useContext', '<AffitorProvider>'],
  'the backend client': ['Bearer ', 'affitor_customer_key'],
  'the command line': ['Usage: affitor-tracker', 'package.json'],
  ky: ['retryOnTimeout', 'beforeRetry'],
  'the first-party endpoint': ['x-affitor-cookie-domain', 'Max-Age='],
}

describe('what the browser files carry', () => {
  it.each(['affitor-tracker.js', 'affitor-tracker.links.js', 'index.js', 'index.cjs'])('dist/%s has none of the React binding, the backend client, the command line, ky or the first-party endpoint', (file) => {
    const code = built(file)
    for (const [part, markers] of Object.entries(MARKERS)) {
      for (const marker of markers) expect(code.includes(marker), `${part} (${marker}) in dist/${file}`).toBe(false)
    }
  })

  it('dist/node.js leaves the browser\'s cookie storage (js-cookie) out', () => {
    expect(built('node.js')).not.toContain('js-cookie')
  })

  it.each(['node.js', 'node.cjs', 'first-party.js', 'first-party.cjs'])('dist/%s imports only its packages (ky, tldts) and its own chunks: no Node built-in, so it runs on Workers, Deno and Bun as is', (file) => {
    const code = built(file)
    const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((match) => match[1])
    expect(specifiers.length).toBeGreaterThan(0)
    for (const specifier of specifiers) expect(specifier, `dist/${file} imports ${specifier}`).toMatch(/^(ky|tldts|\.\/chunk-[\w-]+\.c?js)$/)
  })

  it('the markers are found where they belong, so their absence above means something', () => {
    expect(built('react.js')).toContain('useContext')
    expect(built('react.js')).toContain('<AffitorProvider>')
    expect(built('node.js')).toContain('Bearer ')
    expect(built('node.js')).toContain('affitor_customer_key')
    expect(built('cli.js')).toContain('Usage: affitor-tracker')
    expect(built('cli.js')).toContain('retryOnTimeout')
    expect(built('first-party.js')).toContain('x-affitor-cookie-domain')
    expect(built('first-party.js')).toContain('Max-Age=')
  })
})

describe('debug mode in the built files', () => {
  it.each(['affitor-tracker.js', 'affitor-tracker.links.js', 'index.js', 'index.cjs'])('production dist/%s leaves getState and ?affitor_debug out', (file) => {
    const code = built(file)
    expect(code).not.toContain('getState')
    expect(code).not.toContain('affitor_debug')
  })

  it.each(['affitor-tracker.debug.js', 'affitor-tracker.links.debug.js', 'development/index.js'])('dist/%s carries them', (file) => {
    const code = built(file)
    expect(code).toContain('getState')
    expect(code).toContain('affitor_debug')
  })
})

describe('links to other domains and to Stripe', () => {
  it.each(['affitor-tracker.js', 'index.js', 'index.cjs'])('are not in dist/%s: only affitor-tracker.links.js and affitor-tracker/links carry them', (file) => {
    expect(built(file)).not.toContain('affitor_link')
    expect(built(file)).not.toContain('client_reference_id')
  })

  it.each(['affitor-tracker.links.js', 'links.js', 'links.cjs'])('are in dist/%s', (file) => {
    expect(built(file)).toContain('affitor_link')
    expect(built(file)).toContain('client_reference_id')
  })
})

describe('the CDN files as they load', () => {
  it.each(['affitor-tracker.js', 'affitor-tracker.debug.js', 'affitor-tracker.links.js', 'affitor-tracker.links.debug.js'])('dist/%s opens with V8\'s compile hint, then the licence', (file) => {
    // The hint works on the file's first line only.
    expect(built(file).split('\n').slice(0, 2)).toEqual(['//# allFunctionsCalledOnLoad', '/*! affitor-tracker, js-cookie | MIT */'])
  })
})
