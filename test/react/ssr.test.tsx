// @vitest-environment node
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { renderToString } from 'react-dom/server'
import { describe, expect, it, vi } from 'vitest'

type Binding = typeof import('../../src/react')
const require = createRequire(import.meta.url)

const builds: Array<[string, () => Promise<Binding>]> = [
  ['source', () => import('../../src/react')],
  ['built ESM (dist/react.js)', () => import('../../dist/react.js' as string)],
  ['built CJS (dist/react.cjs)', async () => require('../../dist/react.cjs')],
]

describe.each(builds)('affitor-tracker/react without a DOM: %s', (_name, load) => {
  it('renders the markup with nulls and touches nothing', async () => {
    expect(typeof document).toBe('undefined')
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const { AffitorProvider, useAffitor } = await load()
    function Show() {
      const { ready, clickId, data } = useAffitor()
      return <p>{JSON.stringify({ ready, clickId, data })}</p>
    }
    const html = renderToString(
      <AffitorProvider programId={1} apiBase="http://localhost:4700">
        <Show />
      </AffitorProvider>,
    )
    expect(html).toBe(`<p>${JSON.stringify({ ready: false, clickId: null, data: null }).replace(/"/g, '&quot;')}</p>`)
    expect(fetch).not.toHaveBeenCalled()
    expect(typeof window).toBe('undefined')
  })
})

describe('the built files', () => {
  it.each(['dist/react.js', 'dist/react.cjs'])('%s starts with "use client", for React Server Components bundlers', (file) => {
    expect(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').split('\n')[0]).toBe('"use client";')
  })

  it('dist/react.js imports the tracker from the package instead of carrying a copy', () => {
    const code = readFileSync(new URL('../../dist/react.js', import.meta.url), 'utf8')
    expect(code).toMatch(/from\s*"affitor-tracker"/)
    expect(code).not.toContain('/api/v1/track/')
  })
})
