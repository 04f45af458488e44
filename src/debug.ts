/** Logs a decision; call sites are written `__DEV__ && log(...)` so production builds drop them. */
export type Logger = (...args: unknown[]) => void

const silent: Logger = () => {}

/** A console logger prefixed with `[affitor]`, or a silent one when `enabled` is false. */
export function createLogger(enabled: boolean | undefined): Logger {
  return __DEV__ && enabled ? (...args) => console.log('[affitor]', ...args) : silent
}
