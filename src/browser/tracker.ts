import { readPartnerCode } from '../partner-code'
import { clickSkipReason, isAutomated } from './attribution'
import { CLICK_COOKIE, createCookieStorage, forgetCookies, LEAD_COOKIE, PARTNER_COOKIE, readCookie, SESSION_COOKIE } from './cookie-storage'
import { DEFAULT_WINDOW_DAYS } from '../cookie-names'
import { CONSENT_COOKIE, CONSENT_DAYS, defaultChoice } from './consent'
import { createLogger, debugRequested, type LogEntry } from './debug'
import { normalizeOptions, type NormalizedOptions, type TrackerOptions } from './options'
import { fetchTransport, type TransportResponse } from './transport'
import { backoff, OUTBOX_KEY, readOutbox, writeOutbox, type Queued } from './outbox'
import { isUrlField, MAX_TEXT_LENGTH, MAX_URL_LENGTH } from '../field-limits'
import { redactUrl } from './redact-url'
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

/** What a production build says, once per page, when it skips an automated landing. */
export const BOT_NOTICE = '[affitor] automated browser: no click recorded (data-affitor-track-bots records it)'
let botNoticed: unknown

/**
 * Reports in flight for the whole page, by key, so that two trackers (the script tag and the
 * npm package, a framework mounting twice) join one request instead of sending two clicks.
 */
function inFlight(): Record<string, Promise<TrackResult>> {
  try {
    const w = window as any
    // A page's own `__affitor` that takes no property (a number, a frozen object) is not ours to use.
    return Object.isExtensible(w.__affitor) ? w.__affitor : (w.__affitor = {})
  } catch {
    // Read-only: this tracker keeps its reports to itself.
    return {}
  }
}

/** The cookie in which older versions of Affitor's own script kept the click id: taken as `affitor_click_id` on start. */
export const LEGACY_CLICK_COOKIE = 'customer_code'
/** What a click id there looks like; any other value (a site's own cookie of that name) is left alone. */
const LEGACY_CLICK_ID = /^[\w.~-]{1,200}$/

const skip = (skipped: SkipReason): TrackResult => ({ ok: true, status: 0, skipped })

/** The visitor's attribution, its cookies read by `read`. */
export function attributionData(programId: string | null, read: (name: string) => string | undefined): AttributionData {
  const clickId = read(CLICK_COOKIE) || null
  return { clickId, partnerCode: read(PARTNER_COOKIE) || null, programId, hasAttribution: !!clickId }
}

/** The attribution cookies' lifetime for the answer's `cookie_window_days`: 1 to 400 days (browsers cap cookies at 400), 60 without a usable number. */
export const cookieDays = (days: unknown): number => (+days! > 0 ? Math.min(Math.max(+days!, 1), 400) : DEFAULT_WINDOW_DAYS)

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
  const { programId, param } = opts
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
  const codeIn = (url: string) => readPartnerCode(url, param)
  const redact = (url: string, code?: string) => redactUrl(url, opts.redactParams, code)
  // A program drives this page (automation, a crawler): its page views are no clicks.
  const bot = !opts.trackBots && isAutomated(navigator)
  // The URLs this page view has seen: going back or forward to one is no new landing.
  const seen: Record<string, 1> = {}
  // Calls made while consent is pending, by key (the click, a lead per customer key), in memory only.
  let held: Record<string, () => Promise<TrackResult>> = {}
  // The events of this page not yet settled, by id, in memory: one goes to the outbox only when
  // its delivery failed, or when the page is hidden or left while it is on its way.
  let live: Record<string, Queued> = {}

  /**
   * The unsettled events, the outbox's and this page's, oldest first: the outbox is read on
   * start, before this page makes any.
   */
  function unsettled(): Queued[] {
    for (const item of readOutbox()) live[item.id] ||= item
    return Object.values(live)
  }

  /**
   * Keeps the events on their way in the outbox: the page is being hidden or left. And forgets the
   * cookies read: a page coming back (from the back-forward cache, or a tab shown again) reads them anew.
   */
  function save() {
    forgetCookies()
    if (Object.keys(live)[0]) writeOutbox(unsettled())
  }

  /**
   * Sends one event and settles it: gone once the server answered, kept in the outbox with a
   * backoff when it may succeed later (no answer in time, an answer that is not the protocol's
   * JSON, 408, 429, 5xx). Never rejects.
   */
  async function deliver(item: Queued): Promise<TrackResult> {
    // Left over from before consent was required, or revoked since it was queued: kept, not sent.
    if (!consented()) return skip('no-consent')
    const { type, body, id } = item
    // A lead made before its click was answered takes the click id once there is one; and says
    // whether it has one, as the leads of Affitor's own script do.
    if (type == 'lead') body.has_attribution = !!(body.click_id ||= readCookie(CLICK_COOKIE))
    const result: TrackResult = { ok: false, status: 0 }
    let again: unknown = 1
    __DEV__ && log('sending', type, 'attempt', item.tries + 1)
    try {
      const { status, data } = await new Promise<TransportResponse>((resolve, reject) => {
        setTimeout(reject, opts.timeout, 'timeout')
        opts.transport.send(opts.apiBase + '/api/v1/track/' + type, body).then(resolve, reject)
      })
      // A JSON object, as the protocol answers: an HTML page from a proxy or a captive portal,
      // `null` or an array is no answer, and is tried again.
      const object = (data as object | undefined)?.constructor == Object
      const answer = (result.data = (object ? data : {}) as Answer)
      result.status = status
      // Status 0: handed off with no answer to read (a beacon).
      result.ok = !status || (status > 199 && status < 300 && object && answer.success !== false)
      again = status < 300 ? !object && status : status == 408 || status == 429 || status > 499
      if (!result.ok) result.error = String(answer.error || answer.message || (status < 300 ? 'no JSON answer' : 'HTTP ' + status))
    } catch (error) {
      result.error = String(error)
    }
    // The answer may have set cookies (a first-party endpoint's click cookie).
    forgetCookies()
    const { ok, status } = result
    __DEV__ && log(type, ok ? 'delivered' : 'failed', status, result.error || result.data)
    if (again) {
      result.queued = true
      const wait = backoff(++item.tries)
      // Timers round to whole milliseconds: flush what is due by the time this one was set for.
      setTimeout(flush, wait, (item.next = Date.now() + wait))
      __DEV__ && log(type, 'kept in the outbox: next attempt in', Math.round(wait / 1000), 's')
    } else delete live[id]
    // Read again: another tab, or this one meanwhile, may have changed the outbox.
    if (again || readCookie(OUTBOX_KEY)) writeOutbox(readOutbox().filter((other) => other.id != id).concat(again ? item : []))
    // An answer arriving after revokeConsent() stores nothing.
    if (ok && consented()) {
      // The last customer delivered, as a tag: a repeat is not sent again.
      if (type == 'lead') cookies.set(LEAD_COOKIE, keyTag(body.customer_key as string), 400)
      else storeClick(codeIn(body.affiliate_url as string)!, result.data!)
    }
    return result
  }

  /**
   * Delivers the unsettled events due by `due`, oldest first, so that the server sees a click
   * before the lead that follows it; all but `except`, and those already on their way (they
   * are not waited for). Never rejects.
   */
  async function flush(due: number, except?: string): Promise<void> {
    try {
      for (const item of unsettled()) if (!(item.next! > due) && item.id != except && !(item.id in pending)) await single(item.id, () => deliver(item))
    } catch {}
  }

  /**
   * Makes an event (its fields cut to the protocol's caps) and delivers it once `ready` settles,
   * after those waiting: a new event is a fresh chance for them, whatever the backoff said.
   */
  async function queue(type: Event, body: Record<string, unknown>, ready?: Promise<unknown>): Promise<TrackResult> {
    // Consent may have been revoked while a lead waited for its click.
    if (!consented()) return skip('no-consent')
    const id = randomId() + randomId()
    const item: Queued = { id, type, body: { ...body, event_id: id }, at: Date.now(), tries: 0 }
    // Cut to the protocol's length caps, so that the server does not refuse it (a 400 drops it)
    // and it stays within the 64 KiB a keepalive request may carry. Ids and keys come within
    // theirs (signup() refuses longer ones, the others are the server's or random).
    for (const [field, value] of Object.entries(item.body)) {
      const max = isUrlField(field) ? MAX_URL_LENGTH : MAX_TEXT_LENGTH
      if (typeof value == 'string' && value.length > max) {
        item.body[field] = value.slice(0, max)
        __DEV__ && log(field, 'cut to the protocol\'s', max, 'characters')
      }
    }
    live[id] = item
    return single(id, async () => (await ready, await flush(Infinity, id), deliver(item)))
  }

  function storeClick(code: string, { click_id: clickId, cookie_window_days: days }: Answer) {
    if (!clickId) return
    // Already set by the answer (a first-party endpoint): written again from script, Safari
    // would cut its lifetime to 7 days.
    if (readCookie(CLICK_COOKIE) == clickId) {
      __DEV__ && log('click cookie set by the server: left as it is')
      return
    }
    const lifetime = cookieDays(days)
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
    // Said in every build: a site owner testing with Playwright should learn why nothing was recorded.
    if (skipped == 'bot') botNoticed ||= (console.info(BOT_NOTICE), 1)
    if (skipped) return skip(skipped)
    return queue('click', {
      affiliate_url: redact(url, code!),
      ...pageContext(redact),
      session_id: sessionId(),
      existing_click_id: stored,
      additional_data: { program_id: programId },
    })
  }

  async function reportLead(customerKey: string, email: string | undefined): Promise<TrackResult> {
    // A click on its way (this page view's, or one from the outbox that an earlier page could not
    // deliver) should land first, or the lead would miss its id; one that hangs must not hold
    // the signup hostage. The lead is made now, so that leaving the page meanwhile keeps it.
    // Sent without a click id too: the server may know the customer from another device or a
    // backend lead. A repeated lead is answered 200 with "duplicate": true: delivered too.
    return queue(
      'lead',
      { customer_key: customerKey, email, page_url: redact(location.href), session_id: sessionId(), program_id: programId },
      Promise.race([Promise.all(Object.values(pending)), new Promise((resolve) => setTimeout(resolve, CLICK_WAIT_MS))]),
    )
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
        const query = new URL(url).searchParams
        const name = param.find((name) => query.has(name))
        log(name == null ? 'no ' + param.join(' or ') + ' parameter in the URL' : 'partner code rejected: ' + JSON.stringify(query.get(name)) + ' (1 to 64 of A-Z a-z 0-9 _ . ~ -)')
      }
      seen[url] = 1
      // While consent is pending, a later URL without a code leaves the held landing alone.
      const result = gate(CLICK, () => reportClick(url, code), !code)
      // After the click is made or held: the cleaned URL's own navigation joins it.
      if (code && opts.cleanUrl) removeParam(url, param)
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
      // Own keys: a name the page put on Object.prototype is no held call.
      for (const key of Object.keys(calls)) single(key, calls[key]).catch(noop)
      // And what waits in the outbox from before.
      retry()
    },
    revokeConsent() {
      __DEV__ && log('consent revoked: deleting what was stored')
      held = {}
      live = {}
      ;[CLICK_COOKIE, PARTNER_COOKIE, LEAD_COOKIE, SESSION_COOKIE, LEGACY_CLICK_COOKIE].forEach(cookies.remove)
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
      outbox: unsettled(),
      inFlight: Object.keys(pending),
      held: Object.keys(held),
      log: log.entries,
    })
  }
  // A visitor attributed by an older version of Affitor's script: its click id becomes this
  // tracker's, for the attribution window (the cookie's own age cannot be read), unless a click is
  // stored already. The old cookie is left as it is (a site may use that name for its own) until
  // revokeConsent().
  const legacy = readCookie(LEGACY_CLICK_COOKIE)
  if (legacy && !readCookie(CLICK_COOKIE) && LEGACY_CLICK_ID.test(legacy) && consented()) {
    cookies.set(CLICK_COOKIE, legacy, DEFAULT_WINDOW_DAYS)
    __DEV__ && log('click id taken from the cookie', LEGACY_CLICK_COOKIE)
  }
  addEventListener('online', retry)
  // Hidden (the tab switched, the app backgrounded, often the last event a phone gives) or left.
  addEventListener('pagehide', save)
  document.addEventListener('visibilitychange', save)
  retry()
  // trackClick uses no `this`: a listener may call it as it is. What it resolves to is the
  // page's to read; a page whose Object.prototype makes it reject gets no unhandled rejection.
  const track = () => tracker.trackClick().catch(noop)
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

const noop = () => {}

/** A failed result; `error` is what was thrown, or a message. */
const fail = (error: unknown): TrackResult => ({ ok: false, status: 0, error: String(error) })
