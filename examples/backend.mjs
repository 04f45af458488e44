/**
 * The example site's own backend: what your server does around the tracker.
 *
 * - `POST /api/signup {email}` creates a user and answers its stable id. The page then calls
 *   `affitor.signup(user.id, email)`, so the lead carries the same id the sale will.
 * - `POST /api/buy {user_id, coupon_code?}` charges the user (pretend) and reports the sale to the
 *   tracking API with the program's secret API key: `customer_key` is that same user id, and the
 *   promo code the customer typed, if any.
 * - `POST /api/refund {user_id}` refunds the user's latest purchase (pretend) and reports it to the
 *   refund API: the sale is marked refunded and the partner's commission reversed.
 * - `POST /api/subscribe {user_id}` and `POST /api/renew {user_id}` stand in for Stripe: they send the
 *   signed `checkout.session.completed` and `invoice.paid` webhooks Stripe would send for a Checkout
 *   Session created with `metadata` and `subscription_data.metadata` carrying `affitor_customer_key`
 *   and `affitor_click_id` (read from the request's first-party `affitor_click_id` cookie).
 *
 * Every route answers what it sent to the tracking API (`sent`), the HTTP `status` and the API's
 * `answer`, so that the example page can tell what happened. Copy what you need: only the calls
 * to the sale and refund APIs and the metadata shape matter in a real app.
 */
import { createHmac, randomUUID } from 'node:crypto'

/**
 * @param {{ apiBase: string, apiKey: string, programId: string | number, webhookSecret: string }} options
 *   `apiBase` is where the tracking API answers (the reference server in the demo).
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<boolean>}
 *   a handler that answers `/api/*` routes and resolves `false` for anything else.
 */
export function createExampleBackend({ apiBase, apiKey, programId, webhookSecret }) {
  /**
   * @typedef {{ transaction_id: string, amount_cents: number, currency: string, partner_code: string | null, refunded: boolean }} Order
   * @type {Map<string, { id: string, email: string, orders: Order[], subscription?: string, metadata?: object, month: number }>}
   */
  const users = new Map()

  /**
   * One authenticated POST to the tracking API, as any backend makes it. For a sale, 409 means
   * "already recorded": never retry it. A refund is idempotent: sending it again changes nothing.
   */
  async function callTrackingApi(path, body) {
    const response = await fetch(`${apiBase}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(body),
    })
    return { sent: body, status: response.status, answer: await readAnswer(response) }
  }

  /** Sends a webhook signed as Stripe signs them: HMAC-SHA256 over `timestamp.payload`. */
  async function sendStripeEvent(type, object) {
    const payload = JSON.stringify({ id: `evt_${randomUUID()}`, object: 'event', type, data: { object } })
    const timestamp = Math.floor(Date.now() / 1000)
    const signature = createHmac('sha256', webhookSecret).update(`${timestamp}.${payload}`).digest('hex')
    const response = await fetch(`${apiBase}/api/v1/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${timestamp},v1=${signature}` },
      body: payload,
    })
    return { sent: { type, object }, status: response.status, answer: await readAnswer(response) }
  }

  const routes = {
    async '/api/signup'({ email }) {
      if (typeof email != 'string' || !email.includes('@')) return [400, { error: 'a valid email is required' }]
      const existing = [...users.values()].find((user) => user.email == email)
      const user = existing || { id: `user_${users.size + 1}`, email, orders: [], month: 0 }
      users.set(user.id, user)
      return [200, { id: user.id, email }]
    },

    async '/api/buy'({ user_id: userId, coupon_code: couponCode }, cookies) {
      const user = users.get(userId)
      if (!user) return [404, { error: 'unknown user: sign up first' }]
      const reported = await callTrackingApi('/api/v1/track/sale', {
        transaction_id: `order_${randomUUID().slice(0, 8)}`,
        amount_cents: 4900,
        currency: 'USD',
        customer_key: user.id,
        // The fallback when the browser's lead never arrived (a blocked tracker): the click itself.
        click_id: cookies.affitor_click_id,
        sale_type: 'payment',
        product_id: 'pro_lifetime',
        // The promo code the customer typed at checkout: a partner's code pays that partner.
        ...(typeof couponCode == 'string' && couponCode && { coupon_code: couponCode }),
      })
      if (reported.status == 200) {
        const { transaction_id, amount_cents, currency } = reported.sent
        user.orders.push({ transaction_id, amount_cents, currency, partner_code: reported.answer.partner_code ?? null, refunded: false })
      }
      return [200, reported]
    },

    async '/api/refund'({ user_id: userId }) {
      const user = users.get(userId)
      if (!user) return [404, { error: 'unknown user: sign up first' }]
      const order = user.orders.findLast((candidate) => !candidate.refunded)
      if (!order) return [404, { error: 'nothing to refund: buy first' }]
      // In a real app: after stripe.refunds.create(…), or from your charge.refunded webhook.
      // No refund_amount_cents: a full refund, and the partner's whole commission is reversed.
      const reported = await callTrackingApi('/api/v1/track/refund', { transaction_id: order.transaction_id, refund_reason: 'requested_by_customer' })
      if (reported.status == 200) order.refunded = true
      return [200, { ...reported, order }]
    },

    async '/api/subscribe'({ user_id: userId }, cookies) {
      const user = users.get(userId)
      if (!user) return [404, { error: 'unknown user: sign up first' }]
      user.subscription = `sub_${randomUUID().slice(0, 8)}`
      user.month = 1
      const clickId = cookies.affitor_click_id
      const metadata = { affitor_customer_key: user.id, program_id: String(programId), ...(clickId && { affitor_click_id: clickId }) }
      // In a real app: stripe.checkout.sessions.create({ mode: 'subscription', metadata,
      // subscription_data: { metadata }, … }). Stripe does not copy session metadata onto the
      // subscription, so without subscription_data.metadata the renewals below lose attribution.
      user.metadata = metadata
      return [200, await sendStripeEvent('checkout.session.completed', {
        id: `cs_${randomUUID().slice(0, 8)}`,
        object: 'checkout.session',
        mode: 'subscription',
        amount_total: 1900,
        currency: 'usd',
        payment_intent: null,
        subscription: user.subscription,
        customer_email: user.email,
        metadata,
      })]
    },

    async '/api/renew'({ user_id: userId }) {
      const user = users.get(userId)
      if (!user || !user.subscription) return [404, { error: 'subscribe first' }]
      user.month += 1
      return [200, await sendStripeEvent('invoice.paid', {
        id: `in_${user.subscription}_${user.month}`,
        object: 'invoice',
        billing_reason: 'subscription_cycle',
        amount_paid: 1900,
        currency: 'usd',
        subscription: user.subscription,
        // Where Stripe puts the subscription's metadata on an invoice.
        parent: { type: 'subscription_details', subscription_details: { subscription: user.subscription, metadata: user.metadata } },
      })]
    },
  }

  return async function handle(req, res) {
    const route = req.method == 'POST' && routes[new URL(req.url, 'http://x').pathname]
    if (!route) return false
    let body = ''
    for await (const chunk of req) body += chunk
    let status, answer
    try {
      const json = JSON.parse(body || '{}')
      ;[status, answer] = await route(json && typeof json == 'object' ? json : {}, parseCookies(req.headers.cookie))
    } catch (error) {
      // 400 for the caller's own body; 502 when the tracking API's reply is what went wrong.
      if (error instanceof TrackingApiReplyError) [status, answer] = [502, { error: error.message }]
      else [status, answer] = error instanceof SyntaxError ? [400, { error: 'Invalid JSON body' }] : [500, { error: String(error) }]
    }
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(answer))
    return true
  }
}

/** The tracking API answered something that is not JSON: a proxy's HTML error page, say. */
class TrackingApiReplyError extends Error {}

/** The tracking API's answer, parsed; a {@link TrackingApiReplyError} when it is not JSON. */
async function readAnswer(response) {
  const text = await response.text()
  try {
    return JSON.parse(text)
  } catch {
    throw new TrackingApiReplyError(`The tracking API answered ${response.status} with a body that is not JSON`)
  }
}

/** The request's cookies as an object: how a backend reads the first-party `affitor_click_id`. */
function parseCookies(header = '') {
  const cookies = {}
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=')
    if (at > 0) cookies[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim())
  }
  return cookies
}
