/**
 * The CDN entry: `<script src="affitor-tracker.js" data-affitor-program-id="123" defer>`.
 * Reads the script tag's data attributes, starts tracking, installs `window.affitor`
 * and replays the calls queued before it loaded.
 */
import { readPartnerCode } from '../partner-code'
import { readCookie } from './cookie-storage'
import { watchNavigation } from './navigation'
import { normalizeOptions, type TrackerOptions } from './options'
import { OUTBOX_KEY } from './outbox'
import { startTracker, type Tracker } from './tracker'

type Call = ArrayLike<unknown>
type Method = keyof Tracker

/** `window.affitor`: callable as `affitor('signup', key, email)` and as `affitor.signup(key, email)`. */
type Global = ((method: Method, ...args: unknown[]) => unknown) & Partial<Tracker> & { q?: Call[] }

type Page = { affitor?: Global; affitorQueue?: Call[] | { push(call: Call): unknown } }

/** The tracker's methods, on `window.affitor` from the start: each builds the tracker when first called. */
const METHODS: Method[] = ['trackClick', 'signup', 'getClickId', 'getData', 'grantConsent', 'revokeConsent']

function start() {
  const w = window as unknown as Page
  const stub = w.affitor
  if (stub?.trackClick) return // loaded twice: the first copy keeps running
  // Set for every classic script, defer and async included, while it first runs.
  const script = document.currentScript as HTMLScriptElement | null
  const opts = normalizeOptions(scriptOptions(script?.dataset || {}))
  let tracker: Tracker | undefined
  const tracking = () => (tracker ||= startTracker(opts))
  // Whatever a page pushes, nothing is thrown back into it; unknown methods are ignored.
  const run = (call: Call) => {
    try {
      const [method, ...args] = call as unknown as [Method, ...unknown[]]
      // An unknown name throws here (not a function) and is ignored. A name every object has
      // (`toString`, `constructor`) runs that harmless function and changes nothing.
      return (tracking()[method] as (...args: unknown[]) => unknown)(...args)
    } catch (error) {
      __DEV__ && console.error('[affitor]', error)
    }
  }
  // Arrays of calls; anything else a page left there becomes one call that does nothing.
  const queued: Call[] = ([] as Call[]).concat(stub?.q || [], (w.affitorQueue as Call[]) || [])
  const global = ((...call: unknown[]) => run(call)) as Global
  for (const method of __DEV__ ? [...METHODS, 'getState' as Method] : METHODS) global[method] = ((...args: unknown[]) => run([method, ...args])) as never
  w.affitor = global
  w.affitorQueue = { push: run }
  // A page view with no partner code, no call and nothing waiting in the outbox has nothing to
  // do: the tracker is built only when a call, a client-side landing or the debug build needs it.
  const landing = () => readPartnerCode(location.href, opts.param)
  if (__DEV__ || landing() || readCookie(OUTBOX_KEY)) tracking()
  else
    watchNavigation(() => {
      // Called from the page's own history.pushState: nothing may be thrown back there.
      try {
        tracker || (landing() && tracking())
      } catch {}
    })
  // Their results are nobody's to read: none may become an unhandled rejection.
  queued.forEach((call) => Promise.resolve(run(call)).catch(() => {}))
}

/**
 * The options written as `data-affitor-*` attributes: `data-affitor-cookie-domain="shop.com"` is
 * `cookieDomain: "shop.com"`. An attribute without a value is `true`, `"false"` is `false`, any
 * other text stays text (so `"true"` turns a flag on). Every option but `transport`: code cannot
 * be written in an attribute.
 */
export function scriptOptions(data: DOMStringMap): TrackerOptions {
  const options: Record<string, unknown> = {}
  // Own keys: an `affitorEndpoint` the page put on Object.prototype is no attribute.
  for (const key of Object.keys(data)) {
    const value = data[key]
    if (/^affitor[A-Z]/.test(key)) options[key[7].toLowerCase() + key.slice(8)] = value != 'false' && (value || true)
  }
  delete options.transport
  return options as unknown as TrackerOptions
}

try {
  // A server-side bundle that imports this file has no page to track.
  if (typeof document == 'object') start()
} catch (error) {
  console.error('[affitor]', error)
}
