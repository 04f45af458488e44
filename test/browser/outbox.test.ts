import { afterEach, describe, expect, it, vi } from 'vitest'
import { backoff, MAX_BACKOFF_MS, MAX_QUEUED, MAX_QUEUED_AGE_MS, OUTBOX_KEY, readOutbox, writeOutbox, type Queued } from '../../src/browser/outbox'
import { blockStorage, fillStorage } from '../helpers/page'

afterEach(() => localStorage.clear())

const event = (id: string, at = Date.now()): Queued => ({ id, type: 'click', body: { affiliate_url: 'https://shop.test/?aff=P1', event_id: id }, at, tries: 0, next: 0 })

describe('readOutbox', () => {
  it('reads back what was written, oldest first', () => {
    writeOutbox([event('a'), event('b')])
    expect(readOutbox().map((item) => item.id)).toEqual(['a', 'b'])
  })

  it('answers an empty list for nothing, garbage or entries of the wrong shape', () => {
    expect(readOutbox()).toEqual([])
    for (const stored of ['not json', '{"a":1}', 'null', '42', '[null, 1, "x", {"id": 5}, {"id": "a", "type": "click", "at": 0, "tries": 0}]']) {
      localStorage.setItem(OUTBOX_KEY, stored)
      expect(readOutbox()).toEqual([])
    }
  })

  it('answers an empty list rather than an id or retry time that cannot be compared', () => {
    // Objects whose toString and valueOf are no functions: comparing them throws.
    const poison = { toString: 1, valueOf: 1 }
    for (const field of ['id', 'next']) {
      localStorage.setItem(OUTBOX_KEY, JSON.stringify([{ ...event('a'), [field]: poison }]))
      expect(readOutbox()).toEqual([])
    }
  })

  it('drops events older than the attribution window', () => {
    const now = Date.now()
    writeOutbox([event('old', now - MAX_QUEUED_AGE_MS - 1), event('recent', now - 1000)])
    expect(readOutbox().map((item) => item.id)).toEqual(['recent'])
  })

  it('answers an empty list when storage throws', () => {
    const unblock = blockStorage()
    try {
      expect(readOutbox()).toEqual([])
    } finally {
      unblock()
    }
  })
})

describe('writeOutbox', () => {
  it(`keeps the newest ${MAX_QUEUED} events`, () => {
    writeOutbox(Array.from({ length: MAX_QUEUED + 5 }, (_, i) => event('e' + i)))
    const ids = readOutbox().map((item) => item.id)
    expect(ids).toHaveLength(MAX_QUEUED)
    expect(ids[0]).toBe('e5')
  })

  it('removes the key when the outbox is empty, and never throws without storage', () => {
    writeOutbox([event('a')])
    writeOutbox([])
    expect(localStorage.getItem(OUTBOX_KEY)).toBeNull()
    const unfill = fillStorage()
    try {
      expect(() => writeOutbox([event('b')])).not.toThrow()
      expect(() => writeOutbox([])).not.toThrow()
    } finally {
      unfill()
    }
  })
})

describe('backoff', () => {
  it('doubles per failure with jitter of half either way, up to five minutes', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    expect([1, 2, 3, 10, 30].map(backoff)).toEqual([2000, 4000, 8000, MAX_BACKOFF_MS, MAX_BACKOFF_MS])
    vi.spyOn(Math, 'random').mockReturnValue(0)
    expect(backoff(1)).toBe(1000)
    vi.spyOn(Math, 'random').mockReturnValue(0.999)
    expect(backoff(1)).toBeCloseTo(2998, 0)
  })
})
