/**
 * The API of Affitor's own script (`api.affitor.com/js/affitor-tracker.js`) and of its npm
 * loader, so that a page written against it works unchanged with this tracker: the deprecated
 * `trackLead({ email, user_id })` and the live properties `clickId`, `affiliateUrl`,
 * `hasAffiliateAttribution`, `programId`, `debugMode` and `loaded`.
 */
import { CLICK_COOKIE, readCookie } from './cookie-storage'
import type { TrackResult } from './tracker'

/** What `trackLead()` takes: the user's id as `user_id` (or `customer_key`), and the email. */
export interface TrackLeadData {
  email?: string
  user_id?: string | number
  customer_key?: string | number
  additional_data?: Record<string, unknown>
}

/** The properties and the method that Affitor's script adds to its instance. */
export interface DropInApi {
  /**
   * Affitor's deprecated name for `signup()`: `trackLead({ email, user_id })` is
   * `signup(user_id, email)` (`customer_key` when there is no `user_id`).
   * @deprecated Call `signup(customerKey, email)`.
   */
  trackLead(lead: TrackLeadData): Promise<TrackResult> | undefined
  /** The stored click id, or `null`: read from the cookie whenever it is read. */
  readonly clickId: string | null
  /** Whether a click is stored, so that a signup now is attributed. */
  readonly hasAffiliateAttribution: boolean
  /**
   * The URL the visitor landed on with the partner code, when this page view is that landing
   * and a click is stored; `null` on later page views (no copy of it is kept in cookies).
   */
  readonly affiliateUrl: string | null
  /** The program id: a number when it is one, as Affitor's script has it. */
  readonly programId: number | string
  /** Whether the `debug` option is on. */
  readonly debugMode: boolean
  /** `true` once the tracker is installed. */
  readonly loaded: boolean
}

/**
 * Adds the {@link DropInApi} to `target`, its `trackLead` calling `signup`. The properties that
 * follow the visitor's state are getters, current whenever they are read.
 */
export function addDropIn<T extends object>(target: T, signup: (customerKey: unknown, email: unknown) => Promise<TrackResult> | undefined, programId: string, debug: unknown, landing: string | null): T & DropInApi {
  const clickId = () => readCookie(CLICK_COOKIE) || null
  Object.defineProperties(target, { clickId: { get: clickId }, hasAffiliateAttribution: { get: () => !!clickId() }, affiliateUrl: { get: () => (clickId() && landing) || null } })
  return Object.assign(target, {
    programId: isNaN(+programId) ? programId : +programId,
    debugMode: !!debug,
    loaded: true,
    trackLead(lead: TrackLeadData) {
      // Own properties only: a `user_id` the page put on Object.prototype is nobody's id.
      const { user_id, customer_key, email } = { __proto__: null, ...lead } as TrackLeadData
      const key = user_id ?? customer_key
      // A database id may come as a number.
      return signup(typeof key == 'number' ? '' + key : key, email)
    },
  }) as T & DropInApi
}
