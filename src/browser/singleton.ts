import { CLICK_COOKIE, readCookie } from './cookie-storage'
import type { TrackerOptions } from './options'
import { attributionData, createTracker, type AttributionData, type Tracker, type TrackResult } from './tracker'

let instance: Tracker | undefined

/**
 * Creates the page's shared tracker (see {@link createTracker}); later calls return the
 * same one. Throws a `TypeError` only when `programId` is missing.
 */
export function init(options: TrackerOptions): Tracker {
  if (!instance) {
    // A choice made before init() applies before anything is stored or sent: the tracker starts
    // waiting for consent, gets the choice, then reports the landing.
    instance = createTracker(choice ? { ...options, autoTrack: false, requireConsent: true } : options)
    if (choice) {
      instance[choice]()
      if (options.autoTrack !== false) instance.trackClick()
    }
  }
  return instance
}

const NOT_STARTED: TrackResult = { ok: false, status: 0, error: 'call init({ programId }) before signup()' }

/** {@link Tracker.signup} on the shared tracker; resolves with an error before `init()`. */
export function signup(customerKey: string, email?: string): Promise<TrackResult> {
  return instance ? instance.signup(customerKey, email) : Promise.resolve({ ...NOT_STARTED })
}

/** {@link Tracker.trackClick} on the shared tracker; resolves with an error before `init()`. */
export function trackClick(): Promise<TrackResult> {
  return instance ? instance.trackClick() : Promise.resolve({ ...NOT_STARTED, error: 'call init({ programId }) before trackClick()' })
}

/** The stored click id, or `null`. Reads the cookie even before `init()`. */
export function getClickId(): string | null {
  return instance ? instance.getClickId() : readCookie(CLICK_COOKIE) || null
}

/** The visitor's attribution. Reads the cookies even before `init()` (`programId` is then `null`). */
export function getData(): AttributionData {
  return instance ? instance.getData() : attributionData(null, readCookie)
}

// A consent manager may answer before the tracker starts: its choice waits for init().
let choice: 'grantConsent' | 'revokeConsent' | undefined

/**
 * {@link Tracker.grantConsent} on the shared tracker. Before `init()` the choice is kept in
 * memory and applied as the tracker starts.
 */
export function grantConsent(): void {
  instance ? instance.grantConsent() : (choice = 'grantConsent')
}

/**
 * {@link Tracker.revokeConsent} on the shared tracker. Before `init()` the choice is kept in
 * memory and applied as the tracker starts.
 */
export function revokeConsent(): void {
  instance ? instance.revokeConsent() : (choice = 'revokeConsent')
}
