/**
 * `affitor-tracker/first-party`: a request handler the site mounts on its own origin (at
 * `/_affitor` by default) that forwards the browser tracker's clicks and leads to the tracking
 * API and sets the click cookies from the site's own server: cookies Safari does not cap at 7
 * days as it caps those written by scripts, on requests blockers do not drop.
 */
export { createFirstPartyHandler, type FirstPartyHandler } from './handler'
export { toNodeHandler, type NodeHandler } from './node'
export { DEFAULTS, type FirstPartyOptions } from './options'
