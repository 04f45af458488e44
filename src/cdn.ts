/**
 * The CDN entry: `<script src="affitor-tracker.js" data-affitor-program-id="123" defer>`.
 * Reads the script tag's data attributes, starts tracking, installs `window.affitor`
 * and replays the calls queued before it loaded.
 */
import { normalizeOptions } from './options'
import { startTracker, type Tracker } from './tracker'

type Call = ArrayLike<unknown>
type Method = keyof Tracker

/** `window.affitor`: callable as `affitor('signup', key, email)` and as `affitor.signup(key, email)`. */
type Global = ((method: Method, ...args: unknown[]) => unknown) & Partial<Tracker> & { q?: Call[] }

type Page = { affitor?: Global; affitorQueue?: Call[] | { push(call: Call): unknown } }

function start() {
  const w = window as unknown as Page
  const stub = w.affitor
  if (stub && stub.trackClick) return // loaded twice: the first copy keeps running
  // Set for every classic script, defer and async included, while it first runs.
  const script = document.currentScript as HTMLScriptElement | null
  const data = (script && script.dataset) || {}
  if (!data.affitorProgramId) {
    console.error('[affitor] data-affitor-program-id is missing')
    return
  }
  // Present (even empty) means on, but for an explicit "false".
  const debug = data.affitorDebug != null && data.affitorDebug != 'false'
  if (!__DEV__ && debug) console.info('[affitor] logs are in affitor-tracker.debug.js')
  const tracker = startTracker(normalizeOptions({
    programId: data.affitorProgramId,
    apiBase: data.affitorApiBase,
    cookieDomain: data.affitorCookieDomain,
    param: data.affitorParam,
    debug,
  }))
  // Whatever a page pushes, nothing is thrown back into it; unknown methods are ignored.
  const run = (call: Call) => {
    try {
      const [method, ...args] = Array.from(call) as [Method, ...unknown[]]
      // Own methods only: `constructor` or `toString` from a page's queue are not calls.
      if ({}.hasOwnProperty.call(tracker, method)) return (tracker[method] as (...args: unknown[]) => unknown)(...args)
      __DEV__ && console.error('[affitor] unknown method', method)
    } catch {}
  }
  const queued = [...(stub && Array.isArray(stub.q) ? stub.q : []), ...(Array.isArray(w.affitorQueue) ? w.affitorQueue : [])]
  w.affitor = Object.assign((...call: unknown[]) => run(call), tracker)
  w.affitorQueue = { push: run }
  queued.forEach(run)
}

try {
  // A server-side bundle that imports this file has no page to track.
  if (typeof document == 'object') start()
} catch (error) {
  console.error('[affitor]', error)
}
