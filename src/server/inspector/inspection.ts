import type { Indexes } from '../store/indexes'
import type { Click, Commission, Lead, Refund, RefundState, Sale, State } from '../store/records'

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

/** A page of events: oldest first, and the cursor of the next page (`null` after the last). */
export interface EventPage {
  events: RecordedEvent[]
  next_cursor: string | null
}

/** What {@link listEvents} lists. */
export interface EventQuery {
  /** One kind of event only. */
  type?: EventType
  /** Only events recorded after the one at this position (`seq`). @default 0 */
  after?: number
  /** At most this many. @default Infinity */
  limit?: number
}

const asEvent = {
  click: (click: Click): RecordedEvent => ({ type: 'click', click_id: click.id, ...click }),
  lead: (lead: Lead): RecordedEvent => ({ type: 'lead', lead_id: lead.id, ...lead }),
  sale: (sale: Sale): RecordedEvent => ({ type: 'sale', sale_id: sale.id, ...sale }),
  refund: (refund: Refund): RecordedEvent => ({ type: 'refund', refund_id: refund.id, ...refund }),
}
const ARRAYS = { click: 'clicks', lead: 'leads', sale: 'sales', refund: 'refunds' } as const

/** The first position in `records` (in `seq` order, as they are appended) whose `seq` is above `after`. */
function firstAfter(records: readonly { seq: number }[], after: number): number {
  let low = 0
  let high = records.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (records[middle].seq <= after) low = middle + 1
    else high = middle
  }
  return low
}

/**
 * The events recorded after `after`, oldest first, at most `limit` of them: found by a binary
 * search in each kind's list, so a page costs what it holds, not what is stored.
 */
export function listEvents(state: Readonly<State>, { type, after = 0, limit = Infinity }: EventQuery = {}): EventPage {
  const kinds = (type ? [type] : EVENT_TYPES).map((kind) => {
    const records = state[ARRAYS[kind]] as readonly (Click | Lead | Sale | Refund)[]
    return { kind, records, at: firstAfter(records, after) }
  })
  const events: RecordedEvent[] = []
  while (events.length < limit) {
    let next: (typeof kinds)[number] | undefined
    for (const kind of kinds) if (kind.at < kind.records.length && (!next || kind.records[kind.at].seq < next.records[next.at].seq)) next = kind
    if (!next) return { events, next_cursor: null }
    events.push((asEvent[next.kind] as (record: unknown) => RecordedEvent)(next.records[next.at++]))
  }
  const more = kinds.some((kind) => kind.at < kind.records.length)
  return { events, next_cursor: more ? String(events[events.length - 1].seq) : null }
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
  /** What credited the partner: a promo code (`coupon_code`) or a click; `null` when not attributed. */
  attribution_source: 'coupon' | 'click' | null
  coupon_code: string | null
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
 * sale(s). `updated_at` is its latest event's time, `seq` that event's position in the log.
 */
export interface Chain {
  id: string
  program_id: string
  clicks: ChainClick[]
  customers: ChainCustomer[]
  sales: ChainSale[]
  updated_at: string
  seq: number
}

/** The records one chain is drawn from, each list in the order recorded. */
interface ChainRecords {
  id: string
  clicks: readonly Click[]
  leads: readonly Lead[]
  sales: readonly Sale[]
  refunds: readonly Refund[]
}

/** Draws a chain from its records; `commission` finds a sale's commission. */
function drawChain({ id, clicks, leads, sales, refunds }: ChainRecords, commission: (id: string) => Commission | undefined): Chain {
  let latest: Click | undefined
  for (const click of clicks) if (!latest || click.created_at >= latest.created_at) latest = click
  const first = clicks[0] || leads[0] || sales[0]
  let updated = first.created_at
  let seq = 0
  for (const record of [...clicks, ...leads, ...sales, ...refunds]) {
    if (record.created_at > updated) updated = record.created_at
    if (record.seq > seq) seq = record.seq
  }
  return {
    id,
    program_id: first.program_id,
    clicks: clicks.map((click) => ({ click_id: click.id, partner_code: click.partner_code, created_at: click.created_at, test_mode: click.test_mode, latest: click == latest })),
    customers: leads.map((lead) => ({ customer_key: lead.customer_key, email: lead.email, created_at: lead.created_at, click_id: lead.click_id, partner_code: lead.partner_code })),
    sales: sales.map((sale) => {
      const paid = sale.commission_id ? commission(sale.commission_id) : undefined
      return {
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
        attribution_source: sale.attributed ? (sale.attribution_source ?? 'click') : null,
        coupon_code: sale.coupon_code ?? null,
        reason: sale.reason,
        click_age_days: sale.click_age_days,
        window_days: sale.window_days,
        commission_cents: sale.commission_cents,
        commission_reversed_cents: paid ? paid.reversed_cents : 0,
        refunded_cents: sale.refunded_cents,
        refund_state: sale.refund_state,
        created_at: sale.created_at,
      }
    }),
    updated_at: updated,
    seq,
  }
}

/** Most recently recorded first: by the position of each chain's latest event. */
const byRecency = (a: Chain, b: Chain) => b.seq - a.seq

/**
 * Groups every recorded event into chains, most recently active first (by the order events were
 * recorded): one per visitor, one per customer no click reached, one per sale that reached
 * neither a visitor nor a customer. Reads everything: {@link recentChains} reads one page.
 */
export function buildChains(state: Readonly<State>): Chain[] {
  const chains = new Map<string, { id: string; clicks: Click[]; leads: Lead[]; sales: Sale[]; refunds: Refund[] }>()
  const chain = (id: string) => {
    let found = chains.get(id)
    if (!found) chains.set(id, (found = { id, clicks: [], leads: [], sales: [], refunds: [] }))
    return found
  }
  const customers = new Map(state.customers.map((customer) => [customer.id, customer]))
  const chainOfCustomer = (customerId: string) => {
    const customer = customers.get(customerId)
    return customer ? customer.visitor_id || customer.id : customerId
  }
  for (const click of state.clicks) chain(click.visitor_id).clicks.push(click)
  for (const lead of state.leads) chain(chainOfCustomer(lead.customer_id)).leads.push(lead)
  const chainOfSale = new Map<string, string>()
  for (const sale of state.sales) {
    const id = sale.visitor_id || (sale.customer_id && customers.has(sale.customer_id) ? chainOfCustomer(sale.customer_id) : sale.id)
    chainOfSale.set(sale.id, id)
    chain(id).sales.push(sale)
  }
  for (const refund of state.refunds) {
    const id = chainOfSale.get(refund.sale_id)
    if (id) chain(id).refunds.push(refund)
  }
  const commissions = new Map(state.commissions.map((commission) => [commission.id, commission]))
  return [...chains.values()].map((records) => drawChain(records, (id) => commissions.get(id))).sort(byRecency)
}

/** A page of chains, most recently active first, and the cursor of the next page (`null` after the last). */
export interface ChainPage {
  chains: Chain[]
  next_cursor: string | null
}

/** Finds the chain of an event through the indexes: a visitor id (its chain is drawn from it), or the records of a chain no click reached. */
function chainFinder(indexes: Indexes) {
  const ofCustomer = (customerId: string): ChainRecords | string => {
    const customer = indexes.customer(customerId)
    if (customer && customer.visitor_id) return customer.visitor_id
    const sales = indexes.salesOfCustomer(customerId).filter((sale) => !sale.visitor_id)
    return { id: customerId, clicks: [], leads: indexes.leadsOfCustomer(customerId), sales, refunds: sales.flatMap((sale) => indexes.refundsOfSale(sale.id)) }
  }
  const visitorRecords = (visitorId: string): ChainRecords => {
    const customers = indexes.customersOfVisitor(visitorId)
    const sales = [...indexes.salesOfVisitor(visitorId), ...customers.flatMap((customer) => indexes.salesOfCustomer(customer.id).filter((sale) => !sale.visitor_id))]
    return {
      id: visitorId,
      clicks: indexes.clicksOfVisitor(visitorId),
      leads: customers.flatMap((customer) => indexes.leadsOfCustomer(customer.id)).sort((a, b) => a.seq - b.seq),
      sales: sales.sort((a, b) => a.seq - b.seq),
      refunds: sales.flatMap((sale) => indexes.refundsOfSale(sale.id)).sort((a, b) => a.seq - b.seq),
    }
  }
  const ofSale = (sale: Sale): ChainRecords | string => {
    if (sale.visitor_id) return sale.visitor_id
    if (sale.customer_id && indexes.customer(sale.customer_id)) return ofCustomer(sale.customer_id)
    return { id: sale.id, clicks: [], leads: [], sales: [sale], refunds: indexes.refundsOfSale(sale.id) }
  }
  return {
    ofClick: (click: Click): ChainRecords | string => click.visitor_id,
    ofLead: (lead: Lead) => ofCustomer(lead.customer_id),
    ofSale,
    ofRefund: (refund: Refund) => {
      const sale = indexes.sale(refund.sale_id)
      return sale ? ofSale(sale) : undefined
    },
    idOf: (found: ChainRecords | string) => (typeof found == 'string' ? found : found.id),
    draw: (found: ChainRecords | string) => drawChain(typeof found == 'string' ? visitorRecords(found) : found, indexes.commission),
  }
}

/**
 * The `limit` most recently active chains whose latest event came before position `before`
 * (all positions when `undefined`), in the order {@link buildChains} gives. It walks the events
 * back from `before` and draws each chain it meets from the indexes, so a page costs what its
 * chains hold, not what is stored.
 */
export function recentChains(state: Readonly<State>, indexes: Indexes, { before = Infinity, limit }: { before?: number; limit: number }): ChainPage {
  const kinds = EVENT_TYPES.map((kind) => {
    const records = state[ARRAYS[kind]] as readonly (Click | Lead | Sale | Refund)[]
    return { kind, records, at: firstAfter(records, before - 1) - 1 }
  })
  const seen = new Set<string>()
  const chains: Chain[] = []
  const find = chainFinder(indexes)
  let walked = 0
  for (;;) {
    let next: (typeof kinds)[number] | undefined
    for (const kind of kinds) if (kind.at >= 0 && (!next || kind.records[kind.at].seq > next.records[next.at].seq)) next = kind
    if (!next) return { chains, next_cursor: null }
    const record = next.records[next.at--]
    walked = record.seq
    const found =
      next.kind == 'click' ? find.ofClick(record as Click) : next.kind == 'lead' ? find.ofLead(record as Lead) : next.kind == 'sale' ? find.ofSale(record as Sale) : find.ofRefund(record as Refund)
    if (found === undefined) continue
    const id = find.idOf(found)
    if (seen.has(id)) continue
    seen.add(id)
    const drawn = find.draw(found)
    // Its latest event is past `before`: it was on an earlier page.
    if (drawn.seq >= before) continue
    chains.push(drawn)
    if (chains.length == limit) break
  }
  const more = kinds.some((kind) => kind.at >= 0)
  return { chains, next_cursor: more ? String(walked) : null }
}

/**
 * The chains `filter` keeps, most recently active first, as `filterChains(buildChains(state))`
 * gives them, found through the indexes from the partner's clicks, leads and sales (or the
 * customer's leads and sales): they cost what that partner's or customer's chains hold, not
 * what is stored.
 */
export function filteredChains(indexes: Indexes, filter: ChainFilter): Chain[] {
  const find = chainFinder(indexes)
  const found = new Map<string, ChainRecords | string>()
  const add = (chain: ChainRecords | string | undefined) => {
    if (chain === undefined) return
    const id = find.idOf(chain)
    if (!found.has(id)) found.set(id, chain)
  }
  if (filter.partner !== undefined) {
    const { clicks, leads, sales } = indexes.ofPartner(filter.partner)
    for (const click of clicks) add(find.ofClick(click))
    for (const lead of leads) add(find.ofLead(lead))
    for (const sale of sales) add(find.ofSale(sale))
  } else if (filter.customer !== undefined) {
    for (const customer of indexes.customersWithKey(filter.customer)) for (const lead of indexes.leadsOfCustomer(customer.id)) add(find.ofLead(lead))
    for (const sale of indexes.salesWithCustomerKey(filter.customer)) add(find.ofSale(sale))
  }
  return filterChains([...found.values()].map(find.draw).sort(byRecency), filter)
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
  const { rows, row } = totalsTable()
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
  return sortedTotals([...rows.values()].filter((totals) => partner === undefined || samePartner(totals.partner_code, partner)))
}

/** Rows of totals by partner code, each made empty the first time it is asked for. */
export function totalsTable() {
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
  return { rows, row }
}

/** Adds `cents` in `currency` to `amounts`. */
export const add = (amounts: Amounts, currency: string, cents: number) => {
  amounts[currency] = (amounts[currency] || 0) + cents
}

/** Partners in alphabetical order, `null` (nothing attributed) last. */
export const sortedTotals = (rows: PartnerTotals[]): PartnerTotals[] =>
  rows.sort((a, b) => (a.partner_code === null ? 1 : b.partner_code === null ? -1 : a.partner_code < b.partner_code ? -1 : a.partner_code > b.partner_code ? 1 : 0))
