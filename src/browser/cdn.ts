/**
 * The CDN file `affitor-tracker.js`: `<script src="affitor-tracker.js" data-affitor-program-id="123" defer>`.
 * See {@link bootScriptTag}.
 */
import { bootScriptTag } from './script-tag'

export { scriptOptions } from './script-tag'

bootScriptTag()
