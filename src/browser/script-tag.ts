/**
 * The script tag, as the CDN files run it: `<script src="affitor-tracker.js" data-affitor-program-id="123" defer>`.
 * Reads the script tag's data attributes, starts tracking, installs `window.affitor` (with the
 * API of Affitor's own script, see `drop-in.ts`) and replays the calls queued before it loaded.
 */
import { readPartnerCode } from '../partner-code'
import { CLICK_COOKIE, readCookie } from './cookie-storage'
import { addDropIn } from './drop-in'
import { watchNavigation } from './navigation'
import { normalizeOptions, type NormalizedOptions, type TrackerOptions } from './options'
import { OUTBOX_KEY } from './outbox'
import { LEGACY_CLICK_COOKIE, startTracker, type Tracker } from './tracker'

type Call = ArrayLike<unknown>
type Method = keyof Tracker

/** `window.affitor`: callable as `affitor('signup', key, email)` and as `affitor.signup(key, email)`. */
type Global = ((method: Method, ...args: unknown[]) => unknown) & Partial<Tracker> & { q?: Call[] }

type Page = { affitor?: Global; affitorQueue?: Call[] | { push(call: Call): unknown }; AFFITOR_PROGRAM_ID?: unknown }

/** The tracker's methods, on `window.affitor` from the start: each builds the tracker when first called. */
const METHODS: Method[] = ['trackClick', 'signup', 'getClickId', 'getData', 'grantConsent', 'revokeConsent']

/** What a CDN file adds to the tracker: called with the options, before the tracker starts (when the page view needs one). */
export type Extension = (opts: NormalizedOptions) => void

function start(extend?: Extension) {
  const w = window as unknown as Page
  const stub = w.affitor
  if (stub?.trackClick) return // loaded twice: the first copy keeps running
  // Set for every classic script, defer and async included, while it first runs.
  const script = document.currentScript as HTMLScriptElement | null
  const options = scriptOptions(script?.dataset || {}) as TrackerOptions & { program?: string }
  // As Affitor's script reads it too: `data-affitor-program`, or the page's global `AFFITOR_PROGRAM_ID`.
  options.programId ??= options.program ?? (w.hasOwnProperty('AFFITOR_PROGRAM_ID') ? (w.AFFITOR_PROGRAM_ID as string) : undefined)!
  const opts = normalizeOptions(options)
  // First: a file's additions may change the address bar (links) before the tracker reads it.
  try {
    extend?.(opts)
  } catch {}
  let tracker: Tracker | undefined
  const tracking = () => (tracker ||= startTracker(opts))
  // Whatever a page pushes, nothing is thrown back into it; unknown methods are ignored.
  const run = (call: Call) => {
    try {
      const [method, ...args] = call as unknown as [Method, ...unknown[]]
      // An unknown name throws here (not a function) and is ignored. A name every object has
      // (`toString`, `constructor`) runs that harmless function and changes nothing. The
      // drop-in's `trackLead` is the global's own.
      return ((tracking()[method] || global[method]) as (...args: unknown[]) => unknown)(...args)
    } catch (error) {
      __DEV__ && console.error('[affitor]', error)
    }
  }
  // Arrays of calls; anything else a page left there becomes one call that does nothing.
  const queued: Call[] = ([] as Call[]).concat(stub?.q || [], (w.affitorQueue as Call[]) || [])
  const global = ((...call: unknown[]) => run(call)) as Global
  for (const method of __DEV__ ? [...METHODS, 'getState' as Method] : METHODS) global[method] = ((...args: unknown[]) => run([method, ...args])) as never
  const landing = () => readPartnerCode(location.href, opts.param)
  // The URL is parsed once on a page view: the landing's, when it is one.
  const landed = landing() && location.href
  w.affitor = addDropIn(global, (key, email) => run(['signup', key, email]) as Promise<never>, opts.programId, opts.debug, landed)
  w.affitorQueue = { push: run }
  // A page view with no partner code, no call and nothing waiting in the outbox has nothing to
  // do: the tracker is built only when a call, a client-side landing, a click id to take from the
  // cookie of Affitor's older script, or the debug build needs it.
  if (__DEV__ || landed || readCookie(OUTBOX_KEY) || (readCookie(LEGACY_CLICK_COOKIE) && !readCookie(CLICK_COOKIE))) tracking()
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

/** Starts the script tag's tracker, with `extend` (a CDN file's additions); never throws. */
export function bootScriptTag(extend?: Extension): void {
  try {
    // A server-side bundle that imports this file has no page to track.
    if (typeof document == 'object') start(extend)
  } catch (error) {
    console.error('[affitor]', error)
  }
}
