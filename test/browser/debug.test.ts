import { expect, it, vi } from 'vitest'
import { createLogger, debugRequested, HISTORY } from '../../src/browser/debug'

it('logs under the [affitor] prefix when enabled', () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  createLogger(true)('partner code', 'P1')
  expect(log).toHaveBeenCalledWith('[affitor]', 'partner code', 'P1')
})

it('is silent when disabled', () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  createLogger(false)('partner code', 'P1')
  createLogger(undefined)('anything')
  expect(log).not.toHaveBeenCalled()
})

it('keeps the last decisions as text, logging or not, for getState()', () => {
  const log = createLogger(false)
  log('partner code', 'P1', { id: 1 })
  expect(log.entries).toEqual([{ at: expect.any(Number), message: 'partner code P1 {"id":1}' }])
  for (let i = 0; i < HISTORY + 5; i++) log('decision', i)
  expect(log.entries).toHaveLength(HISTORY)
  expect(log.entries[0].message).toBe('decision 5')
  // A value JSON cannot write is still kept.
  const cycle: Record<string, unknown> = {}
  cycle.self = cycle
  log('odd', cycle, 10n)
  expect(log.entries.at(-1)!.message).toBe('odd [object Object] 10')
})

it('reads ?affitor_debug=1 from a URL, and nothing else as a request', () => {
  expect(debugRequested('https://shop.test/?affitor_debug=1')).toBe(true)
  expect(debugRequested('https://shop.test/pricing?aff=P1&affitor_debug=1#top')).toBe(true)
  for (const url of ['https://shop.test/', 'https://shop.test/?affitor_debug=0', 'https://shop.test/?affitor_debug', 'https://shop.test/#affitor_debug=1', 'not a url']) {
    expect(debugRequested(url)).toBe(false)
  }
})
