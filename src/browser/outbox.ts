/**
 * The outbox: events kept first-party (localStorage) until the tracking API has them, so that an
 * endpoint that is down, slow or blocked loses nothing. An event goes there only when it needs
 * keeping (its delivery failed, or the page is hidden or left while it is on its way), and a
 * host-only cookie says that something waits: a page view without it never opens localStorage,
 * whose first access is the costliest single step of a page view (profiled in Chromium).
 * Bounded in count and age; everything read back is checked, since any script can write there.
 */
import { readCookie, writeCookie } from './cookie-storage'

/** One event waiting for the tracking API. */
export interface Queued {
  /** Client-made id, sent as `event_id`: the server stores a repeated id once. */
  id: string
  type: 'click' | 'lead'
  body: Record<string, unknown>
  /** When the event happened (ms), to drop it once it is older than the attribution window. */
  at: number
  /** Failed attempts so far. */
  tries: number
  /** Not before this time (ms): the backoff after a failure. Absent until one: due at once. */
  next?: number
}

/** The localStorage key of the outbox, and the name of the host-only cookie that says it holds events. */
export const OUTBOX_KEY = 'affitor_outbox'
/** The most events kept; the oldest go first. */
export const MAX_QUEUED = 20
/** Events older than the default attribution window cannot earn anything any more. */
const MAX_QUEUED_AGE_DAYS = 60
/** {@link MAX_QUEUED_AGE_DAYS} in milliseconds. */
export const MAX_QUEUED_AGE_MS = MAX_QUEUED_AGE_DAYS * 864e5
/** The longest wait between two attempts. */
export const MAX_BACKOFF_MS = 5 * 60_000

/**
 * The queued events, oldest first; empty when storage is unavailable or holds garbage. Entries
 * need a body, a recent time, and an id and a retry time the tracker can compare, and nothing
 * more is checked: only a script of the same origin writes here, and whatever it writes is at
 * worst sent once to the API, which refuses an unknown kind of event (404) or body (400), and
 * is then dropped as any refused event is.
 */
export function readOutbox(): Queued[] {
  // Nothing waits: localStorage is left unopened.
  if (!readCookie(OUTBOX_KEY)) return []
  try {
    // Read and written as properties (`localStorage[key]`), the standard's shorter spelling of getItem/setItem/removeItem.
    return JSON.parse(localStorage[OUTBOX_KEY]).filter(
      // `id + next` turns both into text here, where one that cannot be (an object whose toString
      // and valueOf are no functions) throws inside this try, not later in the tracker's loop.
      (item: Queued) => item?.body && Date.now() - item.at < MAX_QUEUED_AGE_MS && item.id + item.next,
    )
  } catch {
    // Nothing stored (not JSON), storage disabled (some private modes, sandboxed frames), or garbage (no filter).
    return []
  }
}

/**
 * Stores `list`, the newest {@link MAX_QUEUED} of it, and sets the cookie that says so (deletes
 * it for an empty list); quietly does nothing without storage. Host-only, as localStorage is
 * the origin's own; it lives as long as an event may wait.
 */
export function writeOutbox(list: Queued[]): void {
  try {
    if (list.length) localStorage[OUTBOX_KEY] = JSON.stringify(list.slice(-MAX_QUEUED))
    else delete localStorage[OUTBOX_KEY]
    writeCookie(OUTBOX_KEY, '1', list.length ? MAX_QUEUED_AGE_DAYS : -1)
  } catch {}
}

/** Milliseconds to wait after the `tries`-th failure: exponential, capped, with jitter (×0.5 to ×1.5). */
export const backoff = (tries: number): number => Math.min(1000 * 2 ** tries, MAX_BACKOFF_MS) * (0.5 + Math.random())
