// @vitest-environment node
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as server from '../../src/server'

const DIST = join(__dirname, '../../dist/server')

describe('affitor-tracker/reference-server', () => {
  it('exports the factory, the starter, the limited HTTP server, the defaults and the demo seed', () => {
    expect(Object.keys(server).sort()).toEqual(['DEFAULTS', 'DEMO_SEED', 'createLimitedServer', 'createReferenceHandler', 'startReferenceServer'])
  })

  // Built by `npm test` (and `npm run build`) before the tests run.
  describe('as built', () => {
    const check = async (mod: typeof server) => {
      expect(Object.keys(mod).sort()).toEqual(['DEFAULTS', 'DEMO_SEED', 'createLimitedServer', 'createReferenceHandler', 'startReferenceServer'])
      const running = await mod.startReferenceServer({ port: 0 })
      try {
        const answer = await fetch(running.url + '/api/v1/track/click', { method: 'POST', body: JSON.stringify({ affiliate_url: 'https://x.example/?aff=P1' }) })
        expect(await answer.json()).toMatchObject({ success: true, partner_code: 'P1' })
      } finally {
        await running.close()
      }
    }

    it('works as ES module', async () => {
      await check(await import(/* @vite-ignore */ pathToFileURL(join(DIST, 'index.js')).href))
    })

    it('works as CommonJS', async () => {
      await check(createRequire(import.meta.url)(join(DIST, 'index.cjs')))
    })

    it('resolves through the package exports', async () => {
      const require = createRequire(join(__dirname, '../../package.json'))
      expect(require.resolve('affitor-tracker/reference-server')).toBe(join(DIST, 'index.cjs'))
    })
  })
})
