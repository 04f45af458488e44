import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { median, percentile, sizes } from '../bench/measure.mjs'
import { measureLivePage, measureServerLoad, measureServerMemory, SERVER_MODES } from '../bench/server.mjs'
import { measureSizes, PEERS } from '../bench/size.mjs'

// The benchmarks' own parts, so that `npm run bench` keeps working; their figures are not judged here.

describe('bench/measure.mjs', () => {
  it('takes percentiles by nearest rank, and the median', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3)
    expect(percentile([1, 2, 3, 4], 99)).toBe(4)
    expect(percentile([1, 2, 3, 4], 0)).toBe(1)
    expect(median([10, 30, 20])).toBe(20)
  })

  it('compresses: gzip and brotli smaller than raw on repetitive text', () => {
    const measured = sizes('affitor '.repeat(100))
    expect(measured.raw).toBe(800)
    expect(measured.gzip).toBeLessThan(100)
    expect(measured.brotli).toBeLessThan(measured.gzip)
  })
})

describe('bench/size.mjs', () => {
  it('measures our CDN file and npm import, and each peer on npm, the same way', async () => {
    const rows = await measureSizes()
    expect(rows).toHaveLength(2 + PEERS.length)
    for (const row of rows) expect(row.raw).toBeGreaterThan(row.brotli)
    // The CDN row is the file size-limit checks against its budget, measured the same way.
    const budget = JSON.parse(readFileSync(resolve(__dirname, '../.size-limit.json'), 'utf8'))[0]
    expect(budget.path).toBe('dist/affitor-tracker.js')
    expect(rows[0].brotli).toBeLessThanOrEqual(parseFloat(budget.limit) * 1000)
    expect(rows.slice(2).map((row: { what: string }) => row.what.split(' ')[0])).toEqual(PEERS.map((peer: { name: string }) => peer.name))
  })
})

describe('bench/server.mjs', () => {
  it('fills a reference server in a process of its own and reports its memory', async () => {
    const result = await measureServerMemory({ events: 2000 })
    expect(result).toMatchObject({ events: 2000, clicks: 1000, leads: 1000 })
    expect(result.heapMiB).toBeGreaterThan(0)
    expect(result.perSecond).toBeGreaterThan(0)
  })

  it('loads the bare server and the reference server in each mode, every request answered 2xx', async () => {
    const rows = await measureServerLoad({ seconds: 1, connections: 2, rounds: 1 })
    expect(rows.map((row: { mode: string; event: string }) => `${row.mode}: ${row.event}`)).toEqual(SERVER_MODES.flatMap((mode: { name: string }) => [`${mode.name}: click`, `${mode.name}: lead`]))
    for (const row of rows) {
      expect(row.total).toBeGreaterThan(0)
      expect(row.non2xx + row.errors).toBe(0)
    }
  }, 60_000)

  it('measures a click with the live page closed and open, and a page of chains', async () => {
    const result = await measureLivePage({ events: 200, seconds: 1, connections: 2, rounds: 1, pages: 1 })
    expect(result.polls).toBeGreaterThan(0)
    expect(result.idleP99Ms).toBeGreaterThanOrEqual(0)
    expect(JSON.parse(JSON.stringify(result)).pageBytes).toBeGreaterThan(100)
  }, 60_000)
})
