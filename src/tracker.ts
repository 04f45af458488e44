import { clickSkipReason, readPartnerCode } from './attribution'
import { CLICK_COOKIE, createCookieStorage, type CookieStorage, LEAD_COOKIE, PARTNER_COOKIE, readCookie, SESSION_COOKIE } from './cookie-storage'
import { createLogger } from './debug'
import { normalizeOptions, type NormalizedOptions, type TrackerOptions } from './options'
import { pageContext, randomId } from './page-context'
import { keyTag, signupError } from './signup'

/** Why a call sent nothing although nothing went wrong. */
export type SkipReason =
  | 'no-dom' // server-side rendering, or no browser
  | 'no-code' // no partner code in the URL
  | 'same-partner' // this partner's click is already stored
  | 'already-sent' // this customer's lead was already delivered from this browser

/** A tracking API answer as the protocol describes it; any field may be missing. */
export type Answer = Record<string, unknown> & {
  success?: boolean
  click_id?: string
  partner_code?: string
  cookie_window_days?: number
  duplicate?: boolean
  error?: string
  message?: string
}

/** What every tracking call resolves to. It never rejects. */
export interface TrackResult {
  /** `true` when the event was accepted, or when there was rightly nothing to send. */
  ok: boolean
  /** HTTP status of the answer; `0` when no request was made or no answer arrived. */
  status: number
  /** Why it failed, when `ok` is false. */
  error?: string
  /** Why nothing was sent, when nothing needed to be. */
  skipped?: SkipReason
  /** The server's parsed answer, when a request was made. */
  data?: Answer
}

/** What the tracker knows about the visitor's attribution. */
export interface AttributionData {
  /** The stored click id (cookie `affitor_click_id`), or `null`. */
  clickId: string | null
  /** The partner code the stored click belongs to, or `null`. */
  partnerCode: string | null
  /** The program this tracker reports to, or `null` before `init()`. */
  programId: string | null
  /** Whether a click is stored, so a signup now will be attributed. */
  hasAttribution: boolean
}

/** One tracker for one program in one page. Every method is safe to call at any time. */
export interface Tracker {
  /** Reports the click for the partner code in the current URL, if one needs reporting. */
  trackClick(): Promise<TrackResult>
  /**
   * Ties your own stable user id to the stored click. Call it after registration.
   * Refuses (without a request) an empty or non-string key, one over 256 characters,
   * or a malformed email; the same key is sent once per browser.
   */
  signup(customerKey: string, email?: string): Promise<TrackResult>
  /** The stored click id, or `null`. */
  getClickId(): string | null
  /** The visitor's attribution as data. */
  getData(): AttributionData
}

type Event = 'click' | 'lead'

/** The attribution window when the click answer does not give one (the protocol's default). */
export const DEFAULT_WINDOW_DAYS = 60

/** How long `signup()` waits for a click still in flight before sending the lead without it. */
export const CLICK_WAIT_MS = 3000

/** How many delivered leads the browser remembers, to send each customer key once. */
const LEADS_REMEMBERED = 10

/**
 * Reports in flight for the whole page, by key, so that two trackers (the script tag and the
 * npm package, a framework mounting twice) join one request instead of sending two clicks.
 */
const inFlight = (): Record<string, Promise<TrackResult>> => ((window as any).__affitor ||= {})

const skip = (skipped: SkipReason): TrackResult => ({ ok: true, status: 0, skipped })

/** The visitor's attribution read from the cookies; all `null` without a document. */
export function attributionData(programId: string | null): AttributionData {
  const clickId = readCookie(CLICK_COOKIE) || null
  return { clickId, partnerCode: readCookie(PARTNER_COOKIE) || null, programId, hasAttribution: !!clickId }
}

/**
 * Creates a tracker for one program. In a page it reports the click for the URL's partner
 * code right away (unless `autoTrack` is false); without a DOM (server-side rendering) it
 * returns a tracker whose methods do nothing. Throws a `TypeError` only when `programId`
 * is missing.
 *
 * @example
 * const tracker = createTracker({ programId: 123 })
 * await tracker.signup(user.id, user.email)
 */
export function createTracker(options: TrackerOptions): Tracker {
  return startTracker(normalizeOptions(options))
}

/**
 * The tracker proper. Without a DOM (server-side rendering) it touches nothing: reports
 * resolve as skipped `'no-dom'` and the getters read no cookies.
 */
export function startTracker(opts: NormalizedOptions): Tracker {
  const { programId } = opts
  const noDom = typeof document != 'object'
  const log = createLogger(opts.debug)
  const cookies = noDom ? ({} as CookieStorage) : createCookieStorage(opts.cookieDomain)
  __DEV__ && log('cookie domain', cookies.domain || '(host-only)')
  const sessionId = () => cookies.get(SESSION_COOKIE) || cookies.set(SESSION_COOKIE, randomId())
  // In-flight reports by key (the click, or a lead per customer key): a repeated call joins them.
  const pending = noDom ? {} : inFlight()
  const CLICK = 'c' + programId
  const sentLeads = () => (readCookie(LEAD_COOKIE) || '').split('.')

  /** Sends one event and reads the answer; never rejects. */
  async function send(event: Event, body: Record<string, unknown>): Promise<TrackResult & { data: Answer }> {
    let status = 0
    let data: Answer = {}
    let error: unknown
    try {
      const response = await opts.transport.send(opts.apiBase + '/api/v1/track/' + event, body)
      status = response.status
      data = (response.data || {}) as Answer
      // Status 0 is a beacon: handed to the browser, no answer to read.
      if (!status || (status > 199 && status < 300 && data.success !== false)) {
        __DEV__ && log(event, 'delivered', status, data)
        return { ok: true, status, data }
      }
      error = data.error || data.message || 'HTTP ' + status
    } catch (thrown) {
      error = thrown
    }
    __DEV__ && log(event, 'failed', status, error)
    return { ...fail(String(error), status), data }
  }

  async function reportClick(): Promise<TrackResult> {
    const code = readPartnerCode(location.search, opts.param)
    const stored = cookies.get(CLICK_COOKIE)
    const skipped = clickSkipReason(code, stored && cookies.get(PARTNER_COOKIE))
    __DEV__ && log('partner code', code, skipped ? 'skipped: ' + skipped : 'reporting')
    if (skipped) return skip(skipped)
    const result = await send('click', {
      affiliate_url: location.href,
      ...pageContext(),
      session_id: sessionId(),
      existing_click_id: stored,
      additional_data: { program_id: programId },
    })
    const { click_id: clickId, cookie_window_days: days } = result.data
    if (result.ok && clickId) {
      const lifetime = +days! > 0 ? +days! : DEFAULT_WINDOW_DAYS
      // js-cookie writes any value as a string.
      cookies.set(CLICK_COOKIE, clickId, lifetime)
      // The code as the URL spells it, so that the next landing compares equal.
      cookies.set(PARTNER_COOKIE, code!, lifetime)
    }
    return result
  }

  async function reportLead(customerKey: string, email: string | undefined, tag: string): Promise<TrackResult> {
    // A click reported on this page view should land first, or the lead would miss its id;
    // a click that hangs must not hold the signup hostage.
    await Promise.race([pending[CLICK], new Promise((resolve) => setTimeout(resolve, CLICK_WAIT_MS))])
    // Sent without a click id too: the server may know the customer from another device or a backend lead.
    const result = await send('lead', {
      customer_key: customerKey,
      email,
      click_id: cookies.get(CLICK_COOKIE),
      page_url: location.href,
      session_id: sessionId(),
      program_id: programId,
    })
    // A repeated lead is answered 200 with "duplicate": true, so it counts as delivered too.
    if (result.ok) cookies.set(LEAD_COOKIE, [tag, ...sentLeads()].slice(0, LEADS_REMEMBERED).join('.'), 400)
    return result
  }

  /** Runs `report` once at a time per key, turning anything it throws into a failed result. */
  async function single(key: string, report: () => Promise<TrackResult>): Promise<TrackResult> {
    if (noDom) return skip('no-dom')
    return (pending[key] ||= report()
      .catch((error) => fail(String(error)))
      .finally(() => delete pending[key]))
  }

  const tracker: Tracker = {
    trackClick: () => single(CLICK, reportClick),
    async signup(customerKey, email) {
      const error = signupError(customerKey, email)
      if (error) return fail(error)
      const tag = keyTag(customerKey)
      if (sentLeads().includes(tag)) return skip('already-sent')
      return single('l' + customerKey, () => reportLead(customerKey, email, tag))
    },
    getClickId: () => readCookie(CLICK_COOKIE) || null,
    getData: () => attributionData(programId),
  }
  if (opts.autoTrack) tracker.trackClick()
  return tracker
}

const fail = (error: string, status = 0): TrackResult => ({ ok: false, status, error })
