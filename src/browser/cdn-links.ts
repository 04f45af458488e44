/**
 * The CDN file `affitor-tracker.links.js`: the tracker of `affitor-tracker.js`, and links to the
 * site's other domains (`data-affitor-link-domains`) and to Stripe (`data-affitor-stripe`)
 * carrying the attribution. See {@link followLinks}.
 */
import { followLinks } from './links'
import { bootScriptTag } from './script-tag'

bootScriptTag(followLinks)
