/** Stripe metadata as Checkout Session parameters take it. */
type Metadata = Record<string, string | number | null>

/** The attribution ids to carry into Stripe. */
export interface CheckoutAttribution {
  /** Your stable user id: the lead's `customer_key`. */
  customerKey?: string | null
  /** The visitor's `affitor_click_id` (see `readClickId`). */
  clickId?: string | null
  /** The program, when you run several. */
  programId?: string | number | null
}

/** The parts of `Stripe.Checkout.SessionCreateParams` this helper reads and writes. */
export interface CheckoutParamsShape {
  mode?: string
  metadata?: Metadata
  subscription_data?: { metadata?: Metadata }
}

/**
 * Checkout Session parameters with the attribution metadata (`affitor_customer_key`,
 * `affitor_click_id`, `program_id`) on the session, and, in `subscription` mode, on
 * `subscription_data.metadata` too: Stripe does not copy a session's metadata onto the
 * subscription, and renewal invoices carry only the subscription's, so without it renewals
 * cannot be attributed. Your own metadata is kept; ids that are missing are left out.
 * Throws a `TypeError` when neither a customer key nor a click id is given.
 *
 * @example
 * const session = await stripe.checkout.sessions.create(
 *   withAffitorMetadata({ mode: 'subscription', line_items, success_url, cancel_url }, { customerKey: user.id, clickId: readClickId(req) }),
 * )
 */
export function withAffitorMetadata<T extends CheckoutParamsShape>(params: T, attribution: CheckoutAttribution): T & { metadata: Metadata } {
  const ids = attributionIds(attribution, 'withAffitorMetadata()')
  const session = { ...params, metadata: { ...params.metadata, ...ids } }
  // Stripe refuses subscription_data outside subscription mode.
  if (params.mode == 'subscription') session.subscription_data = { ...params.subscription_data, metadata: { ...params.subscription_data?.metadata, ...ids } }
  return session
}

/**
 * The ids a checkout carries: `affitor_customer_key`, `affitor_click_id` and `program_id`, as
 * strings, those missing left out. Throws a `TypeError` naming `call` without a customer key or click id.
 */
export function attributionIds(attribution: CheckoutAttribution, call: string): Record<string, string> {
  const ids: Record<string, string> = {}
  if (attribution?.customerKey) ids.affitor_customer_key = String(attribution.customerKey)
  if (attribution?.clickId) ids.affitor_click_id = String(attribution.clickId)
  if (!Object.keys(ids).length) throw new TypeError(`${call}: customerKey or clickId is required`)
  if (attribution.programId != null && attribution.programId !== '') ids.program_id = String(attribution.programId)
  return ids
}
