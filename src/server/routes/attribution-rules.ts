import { DAY_MS } from '../config/clock'
import type { CommissionRule } from '../config/seed'

/** The outcome of attributing a sale to a visitor's clicks. */
export type Attribution<C> =
  | { attributed: true; click: C; click_age_days: number }
  | { attributed: false; reason: 'attribution_window_expired'; click: C; click_age_days: number }
  | { attributed: false; reason: 'no_click' }

/**
 * Last click wins: the latest of a visitor's clicks made at or before `at` (ms), or
 * `undefined`. Clicks after `at` are ignored, which only happens when a test clock moved back.
 */
export function winningClick<C extends { created_at: string }>(clicks: readonly C[], at: number): C | undefined {
  let winner: C | undefined
  for (const click of clicks) {
    const time = Date.parse(click.created_at)
    if (time <= at && (!winner || time >= Date.parse(winner.created_at))) winner = click
  }
  return winner
}

/**
 * Whether a sale at `at` falls within `windowDays` of a click at `clickAt` (both ms). The window
 * is closed: a sale exactly `windowDays` days after the click is still in it. The age is in whole
 * days, rounded down.
 */
export function clickAge(clickAt: number, at: number, windowDays: number): { inWindow: boolean; click_age_days: number } {
  const age = at - clickAt
  return { inWindow: age <= windowDays * DAY_MS, click_age_days: Math.floor(age / DAY_MS) }
}

/** Attributes a sale at `at` (ms) to the winning one of a visitor's `clicks`. */
export function attribute<C extends { created_at: string }>(clicks: readonly C[], at: number, windowDays: number): Attribution<C> {
  const click = winningClick(clicks, at)
  if (!click) return { attributed: false, reason: 'no_click' }
  const { inWindow, click_age_days } = clickAge(Date.parse(click.created_at), at, windowDays)
  return inWindow ? { attributed: true, click, click_age_days } : { attributed: false, reason: 'attribution_window_expired', click, click_age_days }
}

/**
 * A partner's commission on a sale of `amountCents`. A percentage rounds to the nearest cent
 * (half a cent up); a fixed amount is paid whatever the sale's amount.
 */
export function commissionCents(rule: CommissionRule, amountCents: number): number {
  return rule.type == 'percent' ? Math.round((amountCents * rule.value) / 100) : rule.amount_cents
}

/**
 * How much of a commission is reversed once `refundedCents` of a sale of `amountCents` are
 * refunded: all of it for a full refund, otherwise in proportion, rounded to the nearest cent.
 * Computed from the totals, so that several partial refunds add up without rounding drift.
 */
export function reversedCommissionCents(commission: number, amountCents: number, refundedCents: number): number {
  return refundedCents >= amountCents ? commission : Math.round((commission * refundedCents) / amountCents)
}
