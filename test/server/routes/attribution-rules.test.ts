// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { attribute, clickAge, commissionCents, reversedCommissionCents, winningClick } from '../../../src/server/routes/attribution-rules'
import { DAY_MS } from '../../../src/server/config/clock'

const at = (iso: string) => Date.parse(iso)
const click = (id: string, iso: string) => ({ id, created_at: new Date(at(iso)).toISOString() })

describe('winningClick', () => {
  const clicks = [click('a', '2030-01-01'), click('c', '2030-01-03'), click('b', '2030-01-02')]

  it('is the latest click at or before the sale', () => {
    expect(winningClick(clicks, at('2030-02-01'))!.id).toBe('c')
    expect(winningClick(clicks, at('2030-01-02'))!.id).toBe('b')
    expect(winningClick(clicks, at('2030-01-02T12:00:00Z'))!.id).toBe('b')
  })

  it('ignores clicks after the sale and answers undefined without one', () => {
    expect(winningClick(clicks, at('2029-12-31'))).toBeUndefined()
    expect(winningClick([], at('2030-01-01'))).toBeUndefined()
  })

  it('lets the later of two clicks at the same time win', () => {
    expect(winningClick([click('first', '2030-01-01'), click('second', '2030-01-01')], at('2030-01-02'))!.id).toBe('second')
  })
})

describe('clickAge', () => {
  const start = at('2030-01-01')

  it('keeps a sale exactly at the end of the window in it, and not a millisecond later', () => {
    expect(clickAge(start, start + 60 * DAY_MS, 60)).toEqual({ inWindow: true, click_age_days: 60 })
    expect(clickAge(start, start + 60 * DAY_MS + 1, 60)).toEqual({ inWindow: false, click_age_days: 60 })
  })

  it('counts whole days, rounded down', () => {
    expect(clickAge(start, start + 59 * DAY_MS + DAY_MS - 1, 60).click_age_days).toBe(59)
    expect(clickAge(start, start + 75.9 * DAY_MS, 60)).toEqual({ inWindow: false, click_age_days: 75 })
  })
})

describe('attribute', () => {
  const clicks = [click('old', '2030-01-01'), click('new', '2030-02-01')]

  it('attributes to the winning click within the window', () => {
    expect(attribute(clicks, at('2030-03-31'), 60)).toEqual({ attributed: true, click: clicks[1], click_age_days: 58 })
  })

  it('measures the window from the winning click, not the first', () => {
    expect(attribute(clicks, at('2030-04-10'), 60)).toEqual({ attributed: false, reason: 'attribution_window_expired', click: clicks[1], click_age_days: 68 })
  })

  it('answers no_click without clicks', () => {
    expect(attribute([], at('2030-01-01'), 60)).toEqual({ attributed: false, reason: 'no_click' })
  })
})

describe('commissionCents', () => {
  it('takes a percentage, rounded to the nearest cent with half a cent up', () => {
    expect(commissionCents({ type: 'percent', value: 30 }, 10_000)).toBe(3_000)
    expect(commissionCents({ type: 'percent', value: 30 }, 4_999)).toBe(1_500) // 1499.7
    expect(commissionCents({ type: 'percent', value: 25 }, 2)).toBe(1) // 0.5
    expect(commissionCents({ type: 'percent', value: 12.5 }, 999)).toBe(125) // 124.875
    expect(commissionCents({ type: 'percent', value: 0 }, 999)).toBe(0)
  })

  it('pays a fixed amount whatever the sale', () => {
    expect(commissionCents({ type: 'fixed', amount_cents: 500 }, 100)).toBe(500)
    expect(commissionCents({ type: 'fixed', amount_cents: 500 }, 100_000)).toBe(500)
  })
})

describe('reversedCommissionCents', () => {
  it('reverses everything for a full refund and in proportion for a partial one', () => {
    expect(reversedCommissionCents(3_000, 10_000, 10_000)).toBe(3_000)
    expect(reversedCommissionCents(3_000, 10_000, 2_500)).toBe(750)
    expect(reversedCommissionCents(1_000, 3, 1)).toBe(333)
  })

  it('adds partial refunds up without rounding drift', () => {
    // Three refunds of a third: computed from the totals, they reverse exactly the whole commission.
    expect([1, 2, 3].map((n) => reversedCommissionCents(1_000, 3, n))).toEqual([333, 667, 1_000])
  })
})
