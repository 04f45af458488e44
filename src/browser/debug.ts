/**
 * Debug mode. Everything here runs in development builds only (`affitor-tracker.debug.js`, the
 * npm `development` condition): call sites are written `__DEV__ && log(...)` or under
 * `if (__DEV__)`, so production builds drop them and pay nothing.
 */

/** One decision the tracker made: when (ms after the page started) and what, as logged. */
export interface LogEntry {
  at: number
  message: string
}

/** Logs a decision under `[affitor]` when enabled, and always keeps it for `getState()`. */
export interface Logger {
  (...args: unknown[]): void
  /** The last {@link HISTORY} decisions, oldest first. */
  readonly entries: readonly LogEntry[]
}

/** How many decisions a logger keeps. */
export const HISTORY = 100

/** The query parameter that turns logging on for a page view: `?affitor_debug=1`. */
export const DEBUG_PARAM = 'affitor_debug'

/** Whether `url` asks for debug logging with `?affitor_debug=1`. */
export function debugRequested(url: string): boolean {
  try {
    return new URL(url).searchParams.get(DEBUG_PARAM) == '1'
  } catch {
    return false
  }
}

// Production builds call no logger and read no entries: a bare function, nothing to keep.
const silent = (() => {}) as unknown as Logger

/**
 * A console logger prefixed with `[affitor]` when `enabled`; either way it keeps the last
 * decisions for `getState()`. A silent one that keeps nothing in production builds.
 */
export function createLogger(enabled: boolean | undefined): Logger {
  if (!__DEV__) return silent
  const entries: LogEntry[] = []
  const log = (...args: unknown[]) => {
    entries.push({ at: Math.round(performance.now()), message: args.map(text).join(' ') })
    if (entries.length > HISTORY) entries.shift()
    if (enabled) console.log('[affitor]', ...args)
  }
  return Object.assign(log, { entries })
}

/** A logged value as text: strings as they are, the rest as JSON. */
function text(value: unknown): string {
  if (typeof value == 'string') return value
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
