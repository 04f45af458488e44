import { readPartnerCode } from '../partner-code'
import { clickSkipReason, isAutomated } from './attribution'
import { CLICK_COOKIE, createCookieStorage, LEAD_COOKIE, PARTNER_COOKIE, readCookie, SESSION_COOKIE } from './cookie-storage'
import { DEFAULT_WINDOW_DAYS } from '../cookie-names'
import { CONSENT_COOKIE, CONSENT_DAYS, defaultChoice } from './consent'
import { createLogger, debugRequested, type LogEntry } from './debug'
import { normalizeOptions, type NormalizedOptions, type TrackerOptions } from './options'
import { fetchTransport } from './transport'
import { backoff, readOutbox, writeOutbox, type Queued } from './outbox'
import { pageContext, randomId } from './page-context'
import { removeParam, watchNavigation } from './navigation'
import { keyTag, signupError } from './signup'

/** Why a call sent nothing although nothing went wrong. */
export type SkipReason =
  | 'no-dom' // server-side rendering, or no browser
  | 'no-code' // no partner code in the URL
  | 'same-partner' // this partner's click is already stored
  | 'already-sent' // this customer's lead was already delivered from this browser
  | 'no-consent' // consent is required and not given: held in memory, made on grantConsent()
  | 'bot' // a browser under automation, a crawler or a headless browser (see the `trackBots` option)

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
  /**
   * Records the visitor's consent (cookie `affitor_consent=1`, 180 days) and makes the calls
   * held while it was pending: the landing's click, then the signups.
   */
  grantConsent(): void
  /**
   * Records the refusal (`affitor_consent=0`), forgets the held calls and deletes everything
   * the tracker stored: the attribution cookies and the outbox.
   * Nothing is stored or sent afterwards, until `grantConsent()`.
   */
  revokeConsent(): void
  /**
   * The tracker's state and its last decisions, as data to paste into a support ticket.
   * Development builds only (`affitor-tracker.debug.js`, the npm `development` condition):
   * production builds leave it out, so there it is `undefined`.
   * @example console.log(JSON.stringify(affitor.getState(), null, 2))
   */
  getState?(): TrackerState
}

/** What {@link Tracker.getState} returns. */
export interface TrackerState {
  programId: string
  /** The options in use; the transport as `'fetch'` (the default) or `'custom'`. */
  options: Record<string, unknown>
  /** Whether the tracker may store and send now. */
  consented: boolean
  /** The cookies' `Domain`, `null` for host-only ones or before the first write. */
  cookieDomain: string | null
  /** The tracker's cookies by name, `null` when missing. */
  cookies: Record<string, string | null>
  /** The events waiting to be delivered, oldest first. */
  outbox: Queued[]
  /** The keys of the reports on their way: the click's is the program id, a lead's `l` and the customer key. */
  inFlight: string[]
  /** The keys of the calls held until consent. */
  held: string[]
  /** The last decisions, as `debug` logs them. */
  log: readonly LogEntry[]
}

type Event = 'click' | 'lead'


/** How long `signup()` waits for a click still in flight before sending the lead without it. */
export const CLICK_WAIT_MS = 3000

/**
 * Reports in flight for the whole page, by key, so that two trackers (the script tag and the
 * npm package, a framework mounting twice) join one request instead of sending two clicks.
 */
const inFlight = (): Record<string, Promise<TrackResult>> => ((window as any).__affitor ||= {})

const skip = (skipped: SkipReason): TrackResult => ({ ok: true, status: 0, skipped })

/** The visitor's attribution, its cookies read by `read`. */
export function attributionData(programId: string | null, read: (name: string) => string | undefined): AttributionData {
  const clickId = read(CLICK_COOKIE) || null
  return { clickId, partnerCode: read(PARTNER_COOKIE) || null, programId, hasAttribution: !!clickId }
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
  const opts = normalizeOptions(options)
  return typeof document == 'object' ? startTracker(opts) : serverTracker(opts.programId)
}

/**
 * Without a DOM (server-side rendering) the tracker touches nothing: reports resolve as
 * skipped `'no-dom'` and the getters read no cookies.
 */
function serverTracker(programId: string): Tracker {
  const noDom = async () => skip('no-dom')
  const nothing = () => undefined
  return { trackClick: noDom, signup: noDom, getClickId: () => null, getData: () => attributionData(programId, nothing), grantConsent: nothing, revokeConsent: nothing }
}

/** The tracker proper, in a page. */
export function startTracker(opts: NormalizedOptions): Tracker {
  const { programId } = opts
  const log = createLogger(opts.debug || (__DEV__ && debugRequested(location.href)))
  // The choice: the cookie's when there is one (from an earlier page view, another subdomain),
  // else the one made on this page (kept in memory, for browsers that refuse the cookie), else the default.
  let choice: string = defaultChoice(opts)
  const consented = () => (readCookie(CONSENT_COOKIE) || choice) == '1'
  const cookies = createCookieStorage(opts.cookieDomain, log)
  const sessionId = () => readCookie(SESSION_COOKIE) || cookies.set(SESSION_COOKIE, randomId())
  // In-flight reports by key (the click, or a lead per customer key): a repeated call joins them.
  const pending = inFlight()
  // The click's key: the program id (a lead's is 'l' and the customer key, an event's its random id).
  const CLICK = programId
  const codeIn = (url: string) => readPartnerCode(url, opts.param)
  // A program drives this page (automation, a crawler): its page views are no clicks.
  const bot = !opts.trackBots && isAutomated(navigator)
  // The URLs this page view has seen: going back or forward to one is no new landing.
  const seen: Record<string, 1> = {}
  // Calls made while consent is pending, by key (the click, a lead per customer key), in memory only.
  let held: Record<string, () => Promise<TrackResult>> = {}

  /**
   * Sends one queued event and settles it in the outbox: gone once the server answered,
   * kept with a backoff when it may succeed later (no answer, 408, 429, 5xx). Never rejects.
   */
  async function deliver(item: Queued): Promise<TrackResult> {
    // Left over from before consent was required, or revoked since it was queued: kept, not sent.
    if (!consented()) return skip('no-consent')
    const { type, body } = item
    // A lead queued before its click was answered takes the click id once there is one.
    if (type == 'lead') body.click_id ||= readCookie(CLICK_COOKIE)
    let result: TrackResult
    __DEV__ && log('sending', type, 'attempt', item.tries + 1)
    try {
      const response = await opts.transport.send(opts.apiBase + '/api/v1/track/' + type, body)
      const { status } = response
      const data = (response.data || {}) as Answer
      // Status 0: handed off with no answer to read (a beacon).
      const ok = !status || (status > 199 && status < 300 && data.success !== false)
      result = { ok, status, data }
      if (!ok) result.error = String(data.error || data.message || 'HTTP ' + status)
    } catch (error) {
      result = fail(error)
    }
    const { ok, status } = result
    __DEV__ && log(type, ok ? 'delivered' : 'failed', status, result.error || result.data)
    const again = !ok && (!status || status == 408 || status == 429 || status > 499)
    if (again) {
      result.queued = true
      const wait = backoff(++item.tries)
      // Timers round to whole milliseconds: flush what is due by the time this one was set for.
      setTimeout(flush, wait, (item.next = Date.now() + wait))
      __DEV__ && log(type, 'kept in the outbox: next attempt in', Math.round(wait / 1000), 's')
    }
    // Read again: another tab, or this one meanwhile, may have changed the outbox.
    writeOutbox(readOutbox().flatMap((other) => (other.id != item.id ? [other] : again ? [item] : [])))
    // An answer arriving after revokeConsent() stores nothing.
    if (ok && consented()) {
      // The last customer delivered, as a tag: a repeat is not sent again.
      if (type == 'lead') cookies.set(LEAD_COOKIE, keyTag(body.customer_key as string), 400)
      else storeClick(codeIn(body.affiliate_url as string)!, result.data!)
    }
    return result
  }

  /**
   * Delivers the queued events due by `due`, oldest first, so that the server sees a click
   * before the lead that follows it; all but `except`, and those already on their way (they
   * are not waited for).
   */
  async function flush(due: number, except?: string): Promise<void> {
    for (const item of readOutbox()) if (!(item.next! > due) && item.id != except && !(item.id in pending)) await single(item.id, () => deliver(item))
  }

  /**
   * Stores an event before sending it, then delivers it after those waiting: a new event is
   * a fresh chance for them, whatever the backoff said. Without storage it still goes, once.
   */
  async function queue(type: Event, body: Record<string, unknown>): Promise<TrackResult> {
    // Consent may have been revoked while a lead waited for its click.
    if (!consented()) return skip('no-consent')
    const id = randomId() + randomId()
    const item: Queued = { id, type, body: { ...body, event_id: id }, at: Date.now(), tries: 0 }
    writeOutbox([...readOutbox(), item])
    return single(id, async () => (await flush(Infinity, id), deliver(item)))
  }

  function storeClick(code: string, { click_id: clickId, cookie_window_days: days }: Answer) {
    if (!clickId) return
    // Already set by the answer (a first-party endpoint): written again from script, Safari
    // would cut its lifetime to 7 days.
    if (readCookie(CLICK_COOKIE) == clickId) {
      __DEV__ && log('click cookie set by the server: left as it is')
      return
    }
    const lifetime = +days! > 0 ? +days! : DEFAULT_WINDOW_DAYS
    // js-cookie writes any value as a string.
    cookies.set(CLICK_COOKIE, clickId, lifetime)
    // The code as the URL spells it, so that the next landing compares equal.
    cookies.set(PARTNER_COOKIE, code, lifetime)
    __DEV__ && log('click stored on', cookies.domain || '(host-only)')
  }

  /** Reports the landing at `url`, whose partner code is `code`. */
  async function reportClick(url: string, code: string | null): Promise<TrackResult> {
    const stored = readCookie(CLICK_COOKIE)
    const skipped = clickSkipReason(code, stored && readCookie(PARTNER_COOKIE), bot)
    __DEV__ && log('partner code', code, skipped ? 'skipped: ' + skipped + (skipped == 'bot' ? ' (navigator.webdriver, or a crawler\'s or headless user agent; trackBots reports it)' : '') : 'reporting')
    if (skipped) return skip(skipped)
    // Queued first: the landing is kept even if the request never leaves the page.
    return queue('click', {
      affiliate_url: url,
      ...pageContext(),
      session_id: sessionId(),
      existing_click_id: stored,
      additional_data: { program_id: programId },
    })
  }

  async function reportLead(customerKey: string, email: string | undefined): Promise<TrackResult> {
    // A click on its way (this page view's, or one from the outbox that an earlier page could not
    // deliver) should land first, or the lead would miss its id; one that hangs must not hold
    // the signup hostage.
    await Promise.race([Promise.all(Object.values(pending)), new Promise((resolve) => setTimeout(resolve, CLICK_WAIT_MS))])
    // Sent without a click id too: the server may know the customer from another device or a
    // backend lead. A repeated lead is answered 200 with "duplicate": true: delivered too.
    return queue('lead', {
      customer_key: customerKey,
      email,
      click_id: readCookie(CLICK_COOKIE),
      page_url: location.href,
      session_id: sessionId(),
      program_id: programId,
    })
  }

  /**
   * What earlier page views could not deliver goes on start, on `online` and on consent: fresh
   * chances, whatever the backoff said.
   */
  function retry() {
    flush(Infinity)
  }

  /** Runs `report` as {@link single} does once consent allows it; until then holds it in memory. */
  async function gate(key: string, report: () => Promise<TrackResult>, keep?: unknown): Promise<TrackResult> {
    if (consented()) return single(key, report)
    __DEV__ && log('consent pending: holding', key)
    keep || (held[key] = report)
    return skip('no-consent')
  }

  /** Runs `report` once at a time per key, turning anything it throws into a failed result. */
  async function single(key: string, report: () => Promise<TrackResult>): Promise<TrackResult> {
    return (pending[key] ||= report()
      .catch(fail)
      .finally(() => delete pending[key]))
  }

  const tracker: Tracker = {
    trackClick() {
      // The landing as it is now: by the time consent comes, a SPA may have moved on.
      const url = location.href
      const code = codeIn(url)
      if (__DEV__ && !code) {
        const raw = new URL(url).searchParams.get(opts.param)
        log(raw == null ? 'no ' + opts.param + ' parameter in the URL' : 'partner code rejected: ' + JSON.stringify(raw) + ' (1 to 64 of A-Z a-z 0-9 _ . ~ -)')
      }
      seen[url] = 1
      // While consent is pending, a later URL without a code leaves the held landing alone.
      const result = gate(CLICK, () => reportClick(url, code), !code)
      // After the click is queued or held: the cleaned URL's own navigation joins it.
      if (code && opts.cleanUrl) removeParam(url, opts.param)
      return result
    },
    async signup(customerKey, email) {
      const error = signupError(customerKey, email)
      __DEV__ && log('signup', error ? 'refused: ' + error : 'for customer ' + JSON.stringify(customerKey))
      if (error) return fail(error)
      if (readCookie(LEAD_COOKIE) == keyTag(customerKey)) {
        __DEV__ && log('signup skipped: already-sent (this customer\'s lead was delivered from this browser)')
        return skip('already-sent')
      }
      return gate('l' + customerKey, () => reportLead(customerKey, email))
    },
    getClickId: () => readCookie(CLICK_COOKIE) || null,
    getData: () => attributionData(programId, readCookie),
    grantConsent() {
      __DEV__ && log('consent granted: making the held calls', Object.keys(held))
      choice = cookies.set(CONSENT_COOKIE, '1', CONSENT_DAYS)
      const calls = held
      held = {}
      for (const key in calls) single(key, calls[key])
      // And what waits in the outbox from before.
      retry()
    },
    revokeConsent() {
      __DEV__ && log('consent revoked: deleting what was stored')
      held = {}
      ;[CLICK_COOKIE, PARTNER_COOKIE, LEAD_COOKIE, SESSION_COOKIE].forEach(cookies.remove)
      writeOutbox([])
      choice = cookies.set(CONSENT_COOKIE, '0', CONSENT_DAYS)
    },
  }
  if (__DEV__) {
    tracker.getState = () => ({
      programId,
      options: { ...opts, transport: opts.transport == fetchTransport ? 'fetch' : 'custom' },
      consented: consented(),
      cookieDomain: cookies.domain || null,
      cookies: Object.fromEntries([CLICK_COOKIE, PARTNER_COOKIE, SESSION_COOKIE, LEAD_COOKIE, CONSENT_COOKIE].map((name) => [name, readCookie(name) ?? null])),
      outbox: readOutbox(),
      inFlight: Object.keys(pending),
      held: Object.keys(held),
      log: log.entries,
    })
  }
  addEventListener('online', retry)
  retry()
  // trackClick uses no `this`: a listener may call it as it is.
  const track = tracker.trackClick
  // A prerendered page (speculation rules) may never be shown: its landing counts once it is.
  if (opts.autoTrack) {
    !(document as { prerendering?: boolean }).prerendering ? track() : document.addEventListener('prerenderingchange', track)
    // A single-page app's navigation to a URL with a partner code is a landing too, but going
    // back or forward (popstate) to one this page view has seen is not: that click was counted.
    watchNavigation((restore) => {
      if (restore && seen[location.href]) __DEV__ && log('back to', location.href, 'which this page view has seen: not a new landing')
      else track()
    })
  }
  return tracker
}

/** A failed result; `error` is what was thrown, or a message. */
const fail = (error: unknown): TrackResult => ({ ok: false, status: 0, error: String(error) })
