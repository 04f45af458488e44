/**
 * An Express backend around affitor: what your server does after the browser tracker stored
 * the visitor's click in the first-party cookie `affitor_click_id`.
 *
 * - `POST /signup {email}`: creates the user and reports the lead from the backend, tying the
 *   user's stable id (`customer_key`) to the click read from the request's cookies.
 * - `POST /checkout {user_id, plan}`: creates a Stripe Checkout Session carrying the ids in
 *   `metadata` and, for a subscription, in `subscription_data.metadata`, so that the first
 *   payment and every renewal are attributed. Point your Stripe webhook endpoint at the tracking
 *   API (`POST {apiBase}/api/v1/webhooks/stripe`): it records the sales.
 * - `POST /orders {user_id, amount_cents}`: a sale paid outside Stripe, reported with the sale
 *   API; a repeated order id answers "already recorded".
 * - `POST /orders/:id/refund`: reverses the sale's commission.
 * - `/_affitor/…` (with `apiBase`): first-party mode, the browser tracker's own endpoint on
 *   this origin (`data-affitor-endpoint="/_affitor"`), which forwards its events to the tracking
 *   API and sets the click cookie from this server: Safari keeps it, blockers see no tracker.
 *
 * `createApp` takes its clients, so that tests (and your own) can pass stand-ins.
 */
import { randomUUID } from 'node:crypto'
import express from 'express'
import { createFirstPartyHandler, toNodeHandler } from 'affitor-tracker/first-party'
import { readClickId, withAffitorMetadata } from 'affitor-tracker/node'

/** The plans sold through Checkout: one-time and monthly. */
export const PLANS = {
  lifetime: { mode: 'payment', name: 'Lifetime license', amount_cents: 9_900 },
  monthly: { mode: 'subscription', name: 'Pro, monthly', amount_cents: 2_900 },
}

/**
 * @param {{
 *   affitor: import('affitor-tracker/node').AffitorClient,
 *   stripe: { checkout: { sessions: { create(params: object): Promise<{ id: string, url: string | null }> } } },
 *   programId?: string | number,
 *   apiBase?: string,
 *   publicUrl?: string,
 *   log?: (message: string) => void,
 * }} options
 */
export function createApp({ affitor, stripe, programId, apiBase, publicUrl = 'http://localhost:3000', log = console.error }) {
  /** Users by id. A real app has a database. */
  const users = new Map()
  const app = express()
  // Before the JSON parser: the handler reads the body itself, and passes other paths on.
  if (apiBase) app.use(toNodeHandler(createFirstPartyHandler({ apiBase })))
  app.use(express.json())

  const userOf = (req, res) => {
    const user = users.get(req.body?.user_id)
    if (!user) res.status(404).json({ error: 'unknown user_id: sign up first' })
    return user
  }

  app.post('/signup', async (req, res) => {
    const { email } = req.body ?? {}
    if (typeof email != 'string' || !/^\S+@\S+\.\S+$/.test(email)) return res.status(400).json({ error: 'a valid email is required' })
    const user = { id: `user_${randomUUID()}`, email }
    users.set(user.id, user)
    // Reported from the backend, so an ad blocker in the browser cannot lose it. Attribution
    // must never break a signup: a failure is logged, not answered.
    await affitor.trackLead({ customer_key: user.id, email, click_id: readClickId(req) }).catch((error) => log(`affitor lead: ${error.message}`))
    res.json(user)
  })

  app.post('/checkout', async (req, res) => {
    const user = userOf(req, res)
    if (!user) return
    const plan = PLANS[req.body.plan]
    if (!plan) return res.status(400).json({ error: `plan must be one of ${Object.keys(PLANS).join(', ')}` })
    const price_data = { currency: 'usd', unit_amount: plan.amount_cents, product_data: { name: plan.name }, ...(plan.mode == 'subscription' && { recurring: { interval: 'month' } }) }
    const params = withAffitorMetadata(
      {
        mode: plan.mode,
        line_items: [{ price_data, quantity: 1 }],
        customer_email: user.email,
        success_url: `${publicUrl}/thanks?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${publicUrl}/pricing`,
      },
      { customerKey: user.id, clickId: readClickId(req), programId },
    )
    const session = await stripe.checkout.sessions.create(params)
    res.json({ id: session.id, url: session.url })
  })

  app.post('/orders', async (req, res) => {
    const user = userOf(req, res)
    if (!user) return
    const orderId = typeof req.body.order_id == 'string' ? req.body.order_id : `order_${randomUUID()}`
    const sale = await affitor.trackSale({
      transaction_id: orderId,
      amount_cents: req.body.amount_cents,
      customer_key: user.id,
      // The fallback when the lead never arrived: the click itself.
      click_id: readClickId(req),
    })
    res.json({ order_id: orderId, already_recorded: !!sale.duplicate, attributed: sale.attributed ?? null, partner_code: sale.partner_code ?? null })
  })

  app.post('/orders/:id/refund', async (req, res) => {
    res.json(await affitor.trackRefund({ transaction_id: req.params.id, refund_reason: 'requested_by_customer' }))
  })

  // The client's errors as answers: a TypeError is bad input, an API error keeps its status.
  app.use((error, _req, res, _next) => {
    const status = error instanceof TypeError ? 400 : error.status >= 400 && error.status < 500 ? error.status : 502
    res.status(status).json({ error: error.message })
  })
  return app
}
