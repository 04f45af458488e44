/*
 * The names of the tracker's cookies, in a module that imports nothing: the browser's cookie
 * storage, the backend's `readClickId` and the first-party endpoint all use them, and the two
 * server-side entries must not pull in the browser's cookie library.
 */

/** Cookie holding the click id returned by the tracking API. */
export const CLICK_COOKIE = 'affitor_click_id'
/** Cookie holding the partner code the stored click belongs to. */
export const PARTNER_COOKIE = 'affitor_partner_code'
/** The attribution window in days when the click's answer gives none (the protocol's default). */
export const DEFAULT_WINDOW_DAYS = 60
