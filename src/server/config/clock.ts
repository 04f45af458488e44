/** One day in milliseconds: windows are counted in these, not in calendar days. */
export const DAY_MS = 86_400_000

/** The server's clock: a base time source shifted by an offset that the test clock moves. */
export interface Clock {
  /** The server time in milliseconds since the epoch: the base time plus the offset. */
  now(): number
  /** The base time source, without the offset. */
  base(): number
  /** How far the clock is shifted from the base time, in milliseconds. */
  readonly offset: number
  /** Moves the clock by `ms` (negative moves it back). */
  advance(ms: number): void
  /** Sets the clock to `ms` since the epoch; it keeps running from there. */
  set(ms: number): void
  /** Removes the shift. */
  reset(): void
}

/** A clock over `base` (such as `Date.now`), with no shift to begin with. */
export function createClock(base: () => number): Clock {
  let offset = 0
  return {
    now: () => base() + offset,
    base,
    get offset() {
      return offset
    },
    advance(ms) {
      offset += ms
    },
    set(ms) {
      offset = ms - base()
    },
    reset() {
      offset = 0
    },
  }
}

let lastTime = NaN
let lastIso = ''

/**
 * `new Date(ms).toISOString()`, the same string for the same millisecond: under load many
 * records are made in one, and each keeps its time as this string.
 */
export function isoTime(ms: number): string {
  if (ms !== lastTime) {
    lastIso = new Date(ms).toISOString()
    lastTime = ms
  }
  return lastIso
}
