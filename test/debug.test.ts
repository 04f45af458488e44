import { expect, it, vi } from 'vitest'
import { createLogger } from '../src/debug'

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
