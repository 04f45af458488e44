import { clickSkipReason, readPartnerCode } from './attribution'
import { CLICK_COOKIE, createCookieStorage, type CookieStorage, LEAD_COOKIE, PARTNER_COOKIE, readCookie, SESSION_COOKIE } from './cookie-storage'
import { createLogger } from './debug'
import { normalizeOptions, type NormalizedOptions, type TrackerOptions } from './options'
import { backoff, readOutbox, writeOutbox, type Queued } from './outbox'
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
  /** The event was not delivered but is kept, and will be sent again: later on this page, on the next page view, or when the browser is back online. */
  queued?: boolean
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

  /**
   * Delivers one queued event and settles it in the outbox: gone once the server answered,
   * kept with a backoff when it may succeed later (no answer, 408, 429, 5xx).
   */
  async function deliver(item: Queued): Promise<TrackResult> {
    const { body } = item
    // A lead queued before its click was answered takes the click id once there is one.
    if (item.type == 'lead') body.click_id ||= cookies.get(CLICK_COOKIE)
    const result = await send(item.type, body)
    const { status } = result
    const again = !result.ok && (!status || status == 408 || status == 429 || status > 499)
    if (again) {
      const { next } = Object.assign(item, { next: Date.now() + backoff(++item.tries) })
      // Timers round to whole milliseconds: flush what is due by the time this one was set for.
      setTimeout(() => flush(undefined, next), next - Date.now())
    }
    // Read again: another tab, or this one meanwhile, may have changed the outbox.
    writeOutbox(readOutbox().flatMap((other) => (other.id != item.id ? [other] : again ? [item] : [])))
    if (result.ok) {
      if (item.type == 'lead') rememberLead(body.customer_key as string)
      else storeClick(readPartnerCode(new URL(body.affiliate_url as string).search, opts.param)!, result.data)
    }
    return again ? { ...result, queued: true } : result
  }

  /**
   * Delivers the queued events due by `due` (`own`, just queued, in any case) and every older
   * one with them, oldest first, so that the server sees a click before the lead that follows
   * it. Events already on their way are not waited for.
   */
  async function flush(own?: Queued, due = Date.now()): Promise<TrackResult> {
    let answer = skip('no-code')
    const list = readOutbox()
    // Without storage the event still goes, once.
    if (own && !list.some((item) => item.id == own.id)) list.push(own)
    let last = -1
    list.forEach((item, i) => (item.id == (own && own.id) || item.next <= due) && (last = i))
    for (const item of list.slice(0, last + 1)) {
      const mine = own && item.id == own.id
      if (!mine && item.id in pending) continue
      const result = await single(item.id, () => deliver(item))
      if (mine) answer = result
    }
    return answer
  }

  /** Stores an event before sending it, then delivers what is due. */
  function queue(type: Event, body: Record<string, unknown>): Promise<TrackResult> {
    const id = randomId() + randomId()
    const item: Queued = { id, type, body: { ...body, event_id: id }, at: Date.now(), tries: 0, next: 0 }
    writeOutbox([...readOutbox(), item])
    return flush(item)
  }

  function storeClick(code: string, { click_id: clickId, cookie_window_days: days }: Answer) {
    if (!clickId) return
    const lifetime = +days! > 0 ? +days! : DEFAULT_WINDOW_DAYS
    // js-cookie writes any value as a string.
    cookies.set(CLICK_COOKIE, clickId, lifetime)
    // The code as the URL spells it, so that the next landing compares equal.
    cookies.set(PARTNER_COOKIE, code, lifetime)
  }

  function rememberLead(customerKey: string) {
    cookies.set(LEAD_COOKIE, [keyTag(customerKey), ...sentLeads()].slice(0, LEADS_REMEMBERED).join('.'), 400)
  }

  async function reportClick(): Promise<TrackResult> {
    const code = readPartnerCode(location.search, opts.param)
    const stored = cookies.get(CLICK_COOKIE)
    const skipped = clickSkipReason(code, stored && cookies.get(PARTNER_COOKIE))
    __DEV__ && log('partner code', code, skipped ? 'skipped: ' + skipped : 'reporting')
    if (skipped) return skip(skipped)
    // Queued first: the landing is kept even if the request never leaves the page.
    return queue('click', {
      affiliate_url: location.href,
      ...pageContext(),
      session_id: sessionId(),
      existing_click_id: stored,
      additional_data: { program_id: programId },
    })
  }

  async function reportLead(customerKey: string, email: string | undefined): Promise<TrackResult> {
    // A click reported on this page view should land first, or the lead would miss its id;
    // a click that hangs must not hold the signup hostage.
    await Promise.race([pending[CLICK], new Promise((resolve) => setTimeout(resolve, CLICK_WAIT_MS))])
    // Sent without a click id too: the server may know the customer from another device or a
    // backend lead. A repeated lead is answered 200 with "duplicate": true: delivered too.
    return queue('lead', {
      customer_key: customerKey,
      email,
      click_id: cookies.get(CLICK_COOKIE),
      page_url: location.href,
      session_id: sessionId(),
      program_id: programId,
    })
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
      if (sentLeads().includes(keyTag(customerKey))) return skip('already-sent')
      return single('l' + customerKey, () => reportLead(customerKey, email))
    },
    getClickId: () => readCookie(CLICK_COOKIE) || null,
    getData: () => attributionData(programId),
  }
  if (!noDom) {
    // What earlier page views could not deliver goes now, and whenever the browser is back
    // online: both are fresh chances, whatever the backoff said.
    addEventListener('online', () => flush(undefined, Infinity))
    if (readOutbox().length) flush(undefined, Infinity)
  }
  const track = () => tracker.trackClick()
  // A prerendered page (speculation rules) may never be shown: its landing counts once it is.
  if (opts.autoTrack) noDom || !(document as { prerendering?: boolean }).prerendering ? track() : document.addEventListener('prerenderingchange', track, { once: true })
  return tracker
}

const fail = (error: string, status = 0): TrackResult => ({ ok: false, status, error })
