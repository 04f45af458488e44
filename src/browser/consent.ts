/**
 * Consent and privacy signals: whether the tracker may store and send anything yet.
 * The visitor's choice, once made, is kept in one strictly necessary cookie.
 */
import type { NormalizedOptions } from './options'

/** Cookie holding the visitor's choice: `1` granted (`grantConsent()`), `0` refused (`revokeConsent()`). */
export const CONSENT_COOKIE = 'affitor_consent'

/** `navigator` where Global Privacy Control is implemented (Firefox, Brave; a draft standard). */
type GpcNavigator = Navigator & { globalPrivacyControl?: boolean }

/** How long the choice is remembered, in days (about six months, as EU regulators advise). */
export const CONSENT_DAYS = 180

/**
 * The choice to assume before the visitor made one, as `affitor_consent` would hold it: `'0'`
 * with `requireConsent`, or when a privacy signal the tracker honours is on (Global Privacy
 * Control with `honorGpc`, Do Not Track with `honorDnt`); else `'1'`.
 */
export function defaultChoice(opts: Pick<NormalizedOptions, 'requireConsent' | 'honorGpc' | 'honorDnt'>): '0' | '1' {
  return opts.requireConsent || (opts.honorGpc && (navigator as GpcNavigator).globalPrivacyControl) || (opts.honorDnt && navigator.doNotTrack == '1') ? '0' : '1'
}
