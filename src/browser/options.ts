import { REDACTED_PARAMS } from './redact-url'
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
   * Name of the URL query parameter that carries the partner's code, or several names (links of
   * older programs, or of another platform): the first of the list that holds a code wins. The
   * click's `affiliate_url` carries the code as `aff=<code>` whatever name it came in, since the
   * protocol's server reads `aff`. In a data attribute, a comma-separated list.
   * @default "aff"
   * @example ['aff', 'ref', 'via']
   */
  param?: string | readonly string[]
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
   * Milliseconds the tracker waits for the tracking API's answer to one attempt. An attempt
   * still unanswered then fails: the call resolves `{ ok: false, queued: true }` and the event is
   * sent again later, so a `signup()` the page awaits never hangs on an endpoint that accepts
   * the connection and never answers.
   * @default 10000
   * @example 5000
   */
  timeout?: number
  /**
   * The query parameters removed from every URL the tracker sends (`affiliate_url`, `page_url`,
   * `referrer_url`), matched in any case: those that carry secrets, such as an OAuth redirect's
   * `code` and `state` or a magic link's `token`. Replaces the default list; extend it with
   * `[...DEFAULTS.redactParams, 'my_param']`. The fragment (`#…`) is never sent, and the
   * partner-code parameter always is. In a data attribute, a comma-separated list.
   * @default ["code", "state", "token", "access_token", "id_token", "refresh_token", "token_hash", "oobcode", "auth", "key", "api_key", "secret", "password", "signature", "sig", "otp", "jwt", "ticket"]
   * @example [...DEFAULTS.redactParams, "invite"]
   */
  redactParams?: readonly string[]
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

type Defaulted = 'apiBase' | 'param' | 'autoTrack' | 'timeout' | 'redactParams' | 'transport'

/** Options after defaults are applied. */
export type NormalizedOptions = Required<Pick<TrackerOptions, Exclude<Defaulted, 'param'>>> &
  Omit<TrackerOptions, Defaulted | 'programId'> & { programId: string; param: readonly string[] }

const defaults = {
  apiBase: 'https://api.affitor.com',
  param: ['aff'] as readonly string[],
  autoTrack: true,
  timeout: 10_000,
  redactParams: REDACTED_PARAMS as readonly string[],
  transport: fetchTransport,
}

/** The defaults every option falls back to. */
// Frozen where it is exported: a bundle that only applies the defaults (the CDN file) drops the call.
export const DEFAULTS: Readonly<typeof defaults> = /* @__PURE__ */ Object.freeze(defaults)

/**
 * Applies the defaults once: an option left out, `undefined` or `null` takes its default, and so
 * does a `timeout` that is no positive number. Reads only the options' own properties, into an
 * object without a prototype: what a page put on `Object.prototype` (an `endpoint`, say) is no
 * option. Throws a `TypeError` only for a missing `programId`, a programmer error that should
 * fail at setup rather than lose attributions silently.
 */
export function normalizeOptions(options: TrackerOptions): NormalizedOptions {
  const opts: Record<string, any> = { __proto__: null, ...defaults }
  for (const [key, value] of Object.entries({ ...options })) if (value != null) opts[key] = value
  if (!(opts.programId = String(opts.programId ?? '').trim())) throw new TypeError('createTracker(): programId is required')
  opts.apiBase = String(opts.endpoint || opts.apiBase).replace(/\/+$/, '')
  // A number, from a data attribute's text too (an attribute without a value is `true`: no number).
  opts.timeout = opts.timeout !== true && +opts.timeout > 0 ? +opts.timeout : defaults.timeout
  // Lists, or the comma-separated text of a data attribute, the names trimmed; no name at all
  // (`''`, `[]`) is the default partner-code parameter rather than none.
  opts.param = names(opts.param) || defaults.param
  // Never a partner code's own parameter.
  opts.redactParams = (names(String(opts.redactParams).toLowerCase()) || []).filter((name) => !String(opts.param).toLowerCase().split(',').includes(name))
  return opts as NormalizedOptions
}

/** The names in a list, or in comma-separated text, without the spaces around them; `null` for none. */
const names = (list: unknown): string[] | null => String(list).match(/[^\s,]+/g)
