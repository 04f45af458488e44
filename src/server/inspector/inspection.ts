import type { Click, Customer, Lead, Refund, RefundState, Sale, State } from '../store/records'

/** The kinds of event the log lists. */
export const EVENT_TYPES = ['click', 'lead', 'sale', 'refund'] as const

/** A kind of event the log lists. */
export type EventType = (typeof EVENT_TYPES)[number]

/**
 * One entry of `GET /__affitor/events`: the record as stored, with its `type` and its id also
 * under `<type>_id` (`click_id`, `lead_id`, `sale_id`, `refund_id`). A lead or sale shows its
 * current state: a click attached later, refunds so far.
 */
export type RecordedEvent =
  | ({ type: 'click'; click_id: string } & Click)
  | ({ type: 'lead'; lead_id: string } & Lead)
  | ({ type: 'sale'; sale_id: string } & Sale)
  | ({ type: 'refund'; refund_id: string } & Refund)

/** The events recorded, oldest first, all of them or those of one type. */
export function listEvents(state: Readonly<State>, type?: EventType): RecordedEvent[] {
  const events: RecordedEvent[] = []
  if (!type || type == 'click') for (const click of state.clicks) events.push({ type: 'click', click_id: click.id, ...click })
  if (!type || type == 'lead') for (const lead of state.leads) events.push({ type: 'lead', lead_id: lead.id, ...lead })
  if (!type || type == 'sale') for (const sale of state.sales) events.push({ type: 'sale', sale_id: sale.id, ...sale })
  if (!type || type == 'refund') for (const refund of state.refunds) events.push({ type: 'refund', refund_id: refund.id, ...refund })
  return events.sort((a, b) => a.seq - b.seq)
}

/** A click as a chain shows it. */
export interface ChainClick {
  click_id: string
  partner_code: string
  created_at: string
  test_mode: boolean
  /** The visitor's latest click: the one a sale now would be attributed to. */
  latest: boolean
}

/** A customer (a lead) as a chain shows it. */
export interface ChainCustomer {
  customer_key: string | null
  email: string | null
  created_at: string
  /** The click the lead came with or had attached, `null` for none. */
  click_id: string | null
  /** That click's partner, `null` for none. */
  partner_code: string | null
}

/** A sale as a chain shows it. */
export interface ChainSale {
  sale_id: string
  transaction_id: string
  /** The `customer_key` the sale was reported with, known or not. */
  customer_key: string | null
  amount_cents: number
  currency: string
  sale_type: Sale['sale_type']
  is_recurring: boolean
  source: Sale['source']
  attributed: boolean
  partner_code: string | null
  reason: Sale['reason']
  click_age_days: number | null
  window_days: number
  commission_cents: number
  commission_reversed_cents: number
  refunded_cents: number
  refund_state: RefundState
  created_at: string
}

/**
 * One visitor's story, or a customer's or sale's that no click reached: click(s) → lead(s) →
 * sale(s). `updated_at` is its latest event.
 */
export interface Chain {
  id: string
  program_id: string
  clicks: ChainClick[]
  customers: ChainCustomer[]
  sales: ChainSale[]
  updated_at: string
}

/**
 * Groups the recorded events into chains, most recently active first: one per visitor, one per
 * customer no click reached, one per sale that reached neither a visitor nor a customer.
 */
export function buildChains(state: Readonly<State>): Chain[] {
  const chains = new Map<string, Chain>()
  const chain = (id: string, programId: string, at: string): Chain => {
    let found = chains.get(id)
    if (!found) chains.set(id, (found = { id, program_id: programId, clicks: [], customers: [], sales: [], updated_at: at }))
    if (at > found.updated_at) found.updated_at = at
    return found
  }
  const customerChainId = (customer: Customer) => customer.visitor_id || customer.id

  const latest = new Map<string, Click>()
  for (const click of state.clicks) {
    const current = latest.get(click.visitor_id)
    if (!current || click.created_at >= current.created_at) latest.set(click.visitor_id, click)
  }
  for (const click of state.clicks) {
    chain(click.visitor_id, click.program_id, click.created_at).clicks.push({
      click_id: click.id,
      partner_code: click.partner_code,
      created_at: click.created_at,
      test_mode: click.test_mode,
      latest: latest.get(click.visitor_id) == click,
    })
  }
  const customers = new Map(state.customers.map((customer) => [customer.id, customer]))
  for (const lead of state.leads) {
    const customer = customers.get(lead.customer_id)
    chain(customer ? customerChainId(customer) : lead.customer_id, lead.program_id, lead.created_at).customers.push({
      customer_key: lead.customer_key,
      email: lead.email,
      created_at: lead.created_at,
      click_id: lead.click_id,
      partner_code: lead.partner_code,
    })
  }
  const commissions = new Map(state.commissions.map((commission) => [commission.id, commission]))
  const chainOfSale = new Map<string, Chain>()
  for (const sale of state.sales) {
    const customer = sale.customer_id ? customers.get(sale.customer_id) : undefined
    const owner = chain(sale.visitor_id || (customer && customerChainId(customer)) || sale.id, sale.program_id, sale.created_at)
    const commission = sale.commission_id ? commissions.get(sale.commission_id) : undefined
    chainOfSale.set(sale.id, owner)
    owner.sales.push({
      sale_id: sale.id,
      transaction_id: sale.transaction_id,
      customer_key: sale.customer_key,
      amount_cents: sale.amount_cents,
      currency: sale.currency,
      sale_type: sale.sale_type,
      is_recurring: sale.is_recurring,
      source: sale.source,
      attributed: sale.attributed,
      partner_code: sale.partner_code,
      reason: sale.reason,
      click_age_days: sale.click_age_days,
      window_days: sale.window_days,
      commission_cents: sale.commission_cents,
      commission_reversed_cents: commission ? commission.reversed_cents : 0,
      refunded_cents: sale.refunded_cents,
      refund_state: sale.refund_state,
      created_at: sale.created_at,
    })
  }
  for (const refund of state.refunds) {
    const owner = chainOfSale.get(refund.sale_id)
    if (owner && refund.created_at > owner.updated_at) owner.updated_at = refund.created_at
  }
  return [...chains.values()].sort((a, b) => (a.updated_at < b.updated_at ? 1 : a.updated_at > b.updated_at ? -1 : 0))
}

/** What the live page's filter keeps: the chains of one partner, of one customer, or both. */
export interface ChainFilter {
  /** A partner code, matched regardless of case, as the codes of partner links are. */
  partner?: string
  /** A `customer_key`, matched exactly. */
  customer?: string
}

/**
 * The filter a query string asks for: `?partner=DEMO&customer=user_42`. The partner code is
 * trimmed, the customer key kept as sent (keys are stored as the site sent them); an empty value
 * filters nothing.
 */
export function chainFilter(params: URLSearchParams): ChainFilter {
  const filter: ChainFilter = {}
  const partner = (params.get('partner') || '').trim()
  const customer = params.get('customer') || ''
  if (partner) filter.partner = partner
  if (customer) filter.customer = customer
  return filter
}

const samePartner = (code: string | null, filter: string) => code !== null && code.toLowerCase() == filter.toLowerCase()

/**
 * The chains `filter` keeps, whole: a chain of the partner is one with a click, lead or sale of
 * that partner; a chain of the customer is one with a lead or sale of that `customer_key`.
 */
export function filterChains(chains: readonly Chain[], filter: ChainFilter): Chain[] {
  const { partner, customer } = filter
  return chains.filter(
    (chain) =>
      (partner === undefined || [...chain.clicks, ...chain.customers, ...chain.sales].some((entry) => samePartner(entry.partner_code, partner))) &&
      (customer === undefined || [...chain.customers, ...chain.sales].some((entry) => entry.customer_key === customer)),
  )
}

/** Amounts in cents by currency code (`{"USD": 4900}`): sales may come in several currencies. */
export type Amounts = Record<string, number>

/** What one partner brought, refunds taken off. */
export interface PartnerTotals {
  /** `null` for what no partner is credited with: leads without a click, sales not attributed. */
  partner_code: string | null
  clicks: number
  leads: number
  /** The sales attributed to the partner (for `null`, the sales not attributed). */
  sales: number
  /** How many of those sales were refunded, in full or in part. */
  refunded_sales: number
  /** The sales' amounts less what was refunded. */
  revenue_cents: Amounts
  /** What was refunded of those sales. */
  refunded_cents: Amounts
  /** The partner's commissions less what refunds reversed. */
  commission_cents: Amounts
  /** What refunds reversed of those commissions. */
  commission_reversed_cents: Amounts
}

/**
 * Totals per partner over `chains`, partners in alphabetical order and `null` (nothing
 * attributed) last. With a partner `filter`, that partner's row only; with a customer `filter`,
 * only the leads and sales of that `customer_key` (a chain may hold others of the same visitor).
 */
export function partnerTotals(chains: readonly Chain[], filter: ChainFilter = {}): PartnerTotals[] {
  const rows = new Map<string | null, PartnerTotals>()
  const row = (code: string | null): PartnerTotals => {
    let found = rows.get(code)
    if (!found) {
      const amounts = () => Object.create(null) as Amounts
      found = { partner_code: code, clicks: 0, leads: 0, sales: 0, refunded_sales: 0, revenue_cents: amounts(), refunded_cents: amounts(), commission_cents: amounts(), commission_reversed_cents: amounts() }
      rows.set(code, found)
    }
    return found
  }
  const add = (amounts: Amounts, currency: string, cents: number) => {
    amounts[currency] = (amounts[currency] || 0) + cents
  }
  const { partner, customer } = filter
  const counted = (entry: { customer_key: string | null }) => customer === undefined || entry.customer_key === customer
  for (const chain of chains) {
    for (const click of chain.clicks) row(click.partner_code).clicks++
    for (const lead of chain.customers) if (counted(lead)) row(lead.partner_code).leads++
    for (const sale of chain.sales) {
      if (!counted(sale)) continue
      const totals = row(sale.attributed ? sale.partner_code : null)
      totals.sales++
      if (sale.refunded_cents) totals.refunded_sales++
      add(totals.revenue_cents, sale.currency, sale.amount_cents - sale.refunded_cents)
      add(totals.refunded_cents, sale.currency, sale.refunded_cents)
      if (sale.attributed) {
        add(totals.commission_cents, sale.currency, sale.commission_cents - sale.commission_reversed_cents)
        add(totals.commission_reversed_cents, sale.currency, sale.commission_reversed_cents)
      }
    }
  }
  return [...rows.values()]
    .filter((totals) => partner === undefined || samePartner(totals.partner_code, partner))
    .sort((a, b) => (a.partner_code === null ? 1 : b.partner_code === null ? -1 : a.partner_code < b.partner_code ? -1 : a.partner_code > b.partner_code ? 1 : 0))
}
