import { fetchTransport, type Transport } from './transport'

/** Options for {@link createTracker} and {@link init}. */
export interface TrackerOptions {
  /**
   * Your program's id, sent with every lead and as `additional_data.program_id` on clicks.
   * The only required option: leaving it out throws a `TypeError` at setup.
   * @example 123
   */
  programId: string | number
  /**
   * Base URL of the tracking API. Point it at the reference server in development. A path
   * such as `"/"` or `"/affitor"` sends to the page's own origin (a first-party proxy).
   * @default "https://api.affitor.com"
   * @example "http://localhost:4700"
   */
  apiBase?: string
  /**
   * Where the tracker sends its events in first-party mode: the path on your own site where
   * `affitor-tracker/first-party` is mounted. The same as `apiBase` (and used instead of it when
   * both are given); named for the endpoint, so that `data-affitor-endpoint="/_affitor"` reads as what it is.
   * @example "/_affitor"
   */
  endpoint?: string
  /**
   * Name of the URL query parameter that carries the partner's code.
   * @default "aff"
   * @example "ref"
   */
  param?: string
  /**
   * Domain for the attribution cookies. By default the tracker uses the broadest domain the
   * browser accepts (so `www.shop.com` and `app.shop.com` share the cookie), or a host-only
   * cookie on `localhost` and IP addresses.
   * @default undefined (detected)
   * @example "shop.com"
   */
  cookieDomain?: string
  /**
   * Report the click for the current URL as soon as the tracker is created, and again after
   * each client-side navigation of a single-page app (`history.pushState`, `replaceState`,
   * back and forward) that reaches a partner code. Set to `false` to call `trackClick()` yourself.
   * @default true
   */
  autoTrack?: boolean
  /**
   * Remove the partner-code parameter from the address bar once the click is captured (with
   * `history.replaceState`, no reload), keeping the other parameters and the hash, so that a
   * shared or bookmarked link no longer carries it.
   * @default false
   */
  cleanUrl?: boolean
  /**
   * Report clicks from browsers driven by programs too: `navigator.webdriver` (Playwright,
   * Puppeteer, Selenium) and crawler or headless user agents (`Googlebot`, `HeadlessChrome`),
   * whose landings are otherwise skipped as `'bot'`. For end-to-end tests of your own site.
   * @default false
   */
  trackBots?: boolean
  /**
   * How events reach the API. Defaults to `fetch` with `keepalive`. Use `createKyTransport()`
   * from `affitor-tracker/ky`, or your own.
   * @default fetchTransport
   */
  transport?: Transport
  /**
   * Store and send nothing (no cookie, no localStorage, no request) until `grantConsent()`.
   * Meanwhile the landing's partner code and any `signup()` are held in memory only, and made
   * on consent; `revokeConsent()` deletes what was stored. The choice is remembered in the
   * cookie `affitor_consent` for 180 days.
   * @default false
   */
  requireConsent?: boolean
  /**
   * Treat a visitor whose browser sends Global Privacy Control (`navigator.globalPrivacyControl`)
   * as not consenting, as with `requireConsent`: `grantConsent()` still opts them in.
   * @default false
   */
  honorGpc?: boolean
  /**
   * Treat a visitor whose browser sends Do Not Track (`navigator.doNotTrack == "1"`) as not
   * consenting, as with `requireConsent`: `grantConsent()` still opts them in.
   * @default false
   */
  honorDnt?: boolean
  /**
   * Log each decision to the console under `[affitor]`. Only the development build logs: the
   * npm package's `development` export condition (Vite, webpack in development mode) and
   * `affitor-tracker.debug.js`; production builds leave the logging code out.
   * @default false
   */
  debug?: boolean
}

/** Options after defaults are applied. */
export type NormalizedOptions = Required<Pick<TrackerOptions, 'apiBase' | 'param' | 'autoTrack' | 'transport'>> &
  Omit<TrackerOptions, 'apiBase' | 'param' | 'autoTrack' | 'transport' | 'programId'> & { programId: string }

const defaults = {
  apiBase: 'https://api.affitor.com',
  param: 'aff',
  autoTrack: true,
  transport: fetchTransport,
}

/** The defaults every option falls back to. */
// Frozen where it is exported: a bundle that only applies the defaults (the CDN file) drops the call.
export const DEFAULTS: Readonly<typeof defaults> = /* @__PURE__ */ Object.freeze(defaults)

/**
 * Applies the defaults once: an option left out, `undefined` or `null` takes its default.
 * Throws a `TypeError` only for a missing `programId`, a programmer error that should fail
 * at setup rather than lose attributions silently.
 */
export function normalizeOptions(options: TrackerOptions): NormalizedOptions {
  const opts: Record<string, unknown> = { ...defaults }
  for (const key in options) if (options[key as keyof TrackerOptions] != null) opts[key] = options[key as keyof TrackerOptions]
  if (!(opts.programId = String(opts.programId ?? '').trim())) throw new TypeError('createTracker(): programId is required')
  opts.apiBase = String(opts.endpoint || opts.apiBase).replace(/\/+$/, '')
  return opts as NormalizedOptions
}
