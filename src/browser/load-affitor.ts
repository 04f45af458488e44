/**
 * `loadAffitor()`, as the npm loader of Affitor's own script (`@affitor/tracker`) exports it, for
 * code written against that loader: the same call, with this tracker behind it and no script to load.
 */
import { addDropIn, type DropInApi } from './drop-in'
import { normalizeOptions, type TrackerOptions } from './options'
import { readPartnerCode } from '../partner-code'
import { init } from './singleton'
import type { Tracker } from './tracker'

/** The loader's options: `debug`, this tracker's options, and the loader's `env` and `scriptUrl`, which pick a script to load and so change nothing here. */
export type LoadAffitorOptions = Omit<TrackerOptions, 'programId'> & { env?: 'production' | 'uat' | 'local'; scriptUrl?: string }

/** The instance {@link loadAffitor} resolves to: the tracker, with the API of Affitor's script. */
export type AffitorInstance = Tracker & DropInApi

let loading: Promise<AffitorInstance | null> | undefined

/**
 * Starts the page's shared tracker (as {@link init} does; a later call returns the same) and
 * resolves to it, with the API of Affitor's script: `trackLead()`, `clickId`,
 * `hasAffiliateAttribution` and the other properties. Resolves to `null` without a DOM
 * (server-side rendering). Rejects only when `programId` is missing.
 *
 * @example const affitor = await loadAffitor('59'); affitor?.signup(user.id, user.email)
 */
export function loadAffitor(programId: string | number, options?: LoadAffitorOptions): Promise<AffitorInstance | null> {
  return (loading ||= new Promise<AffitorInstance | null>((resolve) => {
    if (typeof document != 'object') return resolve(null)
    const { env, scriptUrl, ...rest } = { ...options }
    const tracker = init({ ...rest, programId })
    const opts = normalizeOptions({ ...rest, programId })
    resolve(addDropIn({ ...tracker }, tracker.signup as (key: unknown, email: unknown) => Promise<never>, opts.programId, opts.debug, readPartnerCode(location.href, opts.param) && location.href))
  }).catch((error) => {
    loading = undefined
    throw error
  }))
}
