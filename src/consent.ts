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
 * Whether the tracker may store and send before the visitor chose: not with `requireConsent`,
 * and not when a privacy signal it honours is on (Global Privacy Control with `honorGpc`,
 * Do Not Track with `honorDnt`).
 */
export function allowedWithoutChoice(opts: Pick<NormalizedOptions, 'requireConsent' | 'honorGpc' | 'honorDnt'>): boolean {
  return !(opts.requireConsent || (opts.honorGpc && (navigator as GpcNavigator).globalPrivacyControl) || (opts.honorDnt && navigator.doNotTrack == '1'))
}
