import { createFirstPartyHandler } from 'affitor-tracker/first-party'

/**
 * First-party mode: the browser tracker sends its events to /_affitor on this app's own origin
 * (the provider's endpoint in app/layout.tsx); this route forwards them to the tracking API and
 * answers the click with Set-Cookie, so the attribution cookie comes from the app's server:
 * Safari keeps it for the whole window, and blockers see no tracking host.
 *
 * The folder is `%5Faffitor`: a folder named `_affitor` would be private, not routed.
 * AFFITOR_API_BASE is read when the server starts; `npm run demo` serves the reference server
 * at the default.
 */
export const POST = createFirstPartyHandler({ apiBase: process.env.AFFITOR_API_BASE || 'http://localhost:4700' })
