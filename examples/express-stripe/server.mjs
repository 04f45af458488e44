/**
 * Runs the example: `node server.mjs`, with
 * - `STRIPE_SECRET_KEY`: your Stripe test key (`sk_test_…`);
 * - `AFFITOR_API_KEY`: the program's secret key (`sk_demo_affitor` for the reference server);
 * - `AFFITOR_API_BASE`: the tracking API (default `http://localhost:4700`, the reference server
 *   that `npx affitor-tracker dev` or `npm run demo` starts);
 * - `AFFITOR_PROGRAM_ID` (default `1`), `PORT` (default 3000).
 */
import Stripe from 'stripe'
import { createAffitorClient } from 'affitor-tracker/node'
import { createApp } from './app.mjs'

const { STRIPE_SECRET_KEY, AFFITOR_API_KEY, AFFITOR_API_BASE = 'http://localhost:4700', AFFITOR_PROGRAM_ID = '1', PORT = '3000' } = process.env
for (const [name, value] of Object.entries({ STRIPE_SECRET_KEY, AFFITOR_API_KEY })) {
  if (!value) {
    console.error(`${name} is required: see the top of server.mjs`)
    process.exit(1)
  }
}

const app = createApp({
  affitor: createAffitorClient({ apiBase: AFFITOR_API_BASE, apiKey: AFFITOR_API_KEY, programId: AFFITOR_PROGRAM_ID }),
  stripe: new Stripe(STRIPE_SECRET_KEY),
  programId: AFFITOR_PROGRAM_ID,
  // First-party mode at /_affitor: point your pages' tracker at it.
  apiBase: AFFITOR_API_BASE,
  publicUrl: `http://localhost:${PORT}`,
})
app.listen(+PORT, () => console.log(`example backend on http://localhost:${PORT}`))
