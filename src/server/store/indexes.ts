import { intern } from './interned'
import type { Click, Commission, Customer, Lead, Refund, Sale, State } from './records'

/*
 * The request paths look records up by key (a click by id, a customer by key, a sale by
 * transaction id…) in a state that may hold a million events: scanning its arrays would make
 * every request slower than the last. These indexes answer in time proportional to the matches,
 * not to what is stored.
 *
 * The state's arrays stay the only record, and the only thing saved to the data file. An index
 * holds positions in one array by key. It is brought up to date with what was appended to its
 * array since the last lookup, so code that records something only has to push it; an update in
 * place goes through the store's `update()`, which files the record again (see `rekey`), and a
 * rolled-back change takes its positions back out (see `forget`).
 */

/** The state's arrays that are indexed. */
export type Collection = 'clicks' | 'customers' | 'leads' | 'sales' | 'commissions' | 'refunds' | 'invoices' | 'stripe_events' | 'webhook_events'

/** The keys one index files an item under: none, one or several. */
type Keys<C extends Collection> = (item: State[C][number]) => readonly string[]

/** A partner code as the indexes file it: lower case, as codes match, one shared copy per code. */
const partnerKey = (code: string) => intern(code.toLowerCase())

/** A request's `session_id`, as the click and lead routes accepted it (a string, when sent). */
const sessionOf = (request: Record<string, unknown>): string[] => (typeof request.session_id == 'string' && request.session_id ? [request.session_id] : [])

/**
 * Every index, by collection and name. A collection's `id` index also finds the position of a
 * record that `update()` changes; the keys of leads and refunds, which have none, are fields
 * that never change once recorded.
 */
const INDEXES: { [C in Collection]: Record<string, Keys<C>> } = {
  clicks: {
    id: (click) => [click.id],
    partner: (click) => [partnerKey(click.partner_code)],
    session: (click) => sessionOf(click.request),
    visitor: (click) => [click.visitor_id],
  },
  customers: {
    id: (customer) => [customer.id],
    key: (customer) => (customer.customer_key ? [customer.customer_key] : []),
    visitor: (customer) => (customer.visitor_id ? [customer.visitor_id] : []),
  },
  leads: {
    customer: (lead) => [lead.customer_id],
    partner: (lead) => (lead.partner_code ? [partnerKey(lead.partner_code)] : []),
    session: (lead) => sessionOf(lead.request),
  },
  sales: {
    id: (sale) => [sale.id],
    transaction: (sale) => [sale.transaction_id],
    subscription: (sale) => (sale.subscription_id ? [sale.subscription_id] : []),
    stripe: (sale) => sale.stripe_ids,
    visitor: (sale) => (sale.visitor_id ? [sale.visitor_id] : []),
    customer: (sale) => (sale.customer_id ? [sale.customer_id] : []),
    customerKey: (sale) => (sale.customer_key ? [sale.customer_key] : []),
    partner: (sale) => (sale.partner_code ? [partnerKey(sale.partner_code)] : []),
  },
  commissions: { id: (commission) => [commission.id] },
  refunds: { sale: (refund) => [refund.sale_id] },
  invoices: { value: (invoiceId) => [invoiceId] },
  stripe_events: { value: (eventId) => [eventId] },
  webhook_events: { value: (eventId) => [eventId] },
}

const COLLECTIONS = Object.keys(INDEXES) as Collection[]

/**
 * How a record that `update()` changes is found: the index, and the field it is filed under,
 * one that never changes. A lead has no index of its own (an entry per lead would cost memory
 * for nothing): it is found among its customer's.
 */
const LOCATORS: [Collection, string, string][] = [
  ...COLLECTIONS.filter((collection) => 'id' in INDEXES[collection]).map((collection): [Collection, string, string] => [collection, 'id', 'id']),
  ['leads', 'customer', 'customer_id'],
]

/**
 * The lookups of the request paths. Each answers what scanning the state's arrays in order
 * would: "first" and "last" are in the order things were recorded, and a `programId` keeps
 * only that program's records (`undefined`: any program's).
 */
export interface Indexes {
  /** The click with this id. */
  click(id: string, programId?: string): Click | undefined
  /** The latest click reported with this `session_id`. */
  lastClickOfSession(sessionId: string, programId?: string): Click | undefined
  /** A visitor's clicks, oldest first. */
  clicksOfVisitor(visitorId: string): Click[]
  /** The customer with this id. */
  customer(id: string): Customer | undefined
  /** The program's customer with this `customer_key` (compared exactly, as the site sent it). */
  customerByKey(programId: string, customerKey: string): Customer | undefined
  /** The program's customer without a `customer_key` that is this visitor. */
  keylessCustomer(programId: string, visitorId: string): Customer | undefined
  /** The customers tied to this visitor, with a key or without, oldest first. */
  customersOfVisitor(visitorId: string): Customer[]
  /** The customers of any program with this `customer_key`, oldest first. */
  customersWithKey(customerKey: string): Customer[]
  /** The clicks, leads and sales (credited) of a partner code, in any case, oldest first. */
  ofPartner(code: string): { clicks: Click[]; leads: Lead[]; sales: Sale[] }
  /** The sales reported with this `customer_key`, known customer or not, oldest first. */
  salesWithCustomerKey(customerKey: string): Sale[]
  /** A customer's leads, oldest first. */
  leadsOfCustomer(customerId: string): Lead[]
  /** The leads reported with this `session_id`, oldest first. */
  leadsOfSession(sessionId: string): Lead[]
  /** The sale with this id. */
  sale(id: string): Sale | undefined
  /** The program's sale with this `transaction_id`. */
  saleByTransaction(programId: string, transactionId: string): Sale | undefined
  /** The program's first sale of this `subscription_id`. */
  firstSaleOfSubscription(programId: string, subscriptionId: string): Sale | undefined
  /** The first sale with this Stripe id (session, payment intent, invoice) among its `stripe_ids`. */
  saleWithStripeId(stripeId: string): Sale | undefined
  /** The first sale whose `transaction_id` or one of whose `stripe_ids` is one of `ids`. */
  saleOfPayment(ids: readonly string[], programId?: string): Sale | undefined
  /** The sales traced to this visitor, oldest first. */
  salesOfVisitor(visitorId: string): Sale[]
  /** The sales of this customer, oldest first. */
  salesOfCustomer(customerId: string): Sale[]
  /** The commission with this id. */
  commission(id: string): Commission | undefined
  /** A sale's refunds, oldest first. */
  refundsOfSale(saleId: string): Refund[]
  /** The refund of this sale recorded under this key (see `RefundInput.key`). */
  refund(saleId: string, key: string): Refund | undefined
  /** Whether this Stripe invoice was handled already. */
  hasInvoice(invoiceId: string): boolean
  /** Whether this Stripe event was handled already. */
  hasStripeEvent(eventId: string): boolean
  /** Whether this Paddle or Lemon Squeezy delivery (`paddle:<event_id>`…) was handled already. */
  hasWebhookEvent(key: string): boolean
}

/** What the store does to keep indexes right through updates and rollbacks. */
export interface IndexUpkeep {
  /**
   * Runs `mutate`, an in-place change of `target`, and files `target` again under its new keys
   * if it is a stored record with an id. Returns where that record is stored, `undefined` for
   * anything else.
   */
  rekey(target: object, mutate: () => void): RecordPlace | undefined
  /** Takes out the positions from `lengths` on, before the arrays are cut back to those lengths. */
  forget(lengths: Partial<Record<keyof State, number>>): void
}

/** Where a record is stored: its array and its position in it. */
export interface RecordPlace {
  collection: Collection
  position: number
}

/** Positions in one array, by key, in ascending order; a single position is kept as a number. */
type Postings = Map<string, number | number[]>

/**
 * Indexes of `state`, built at once: a state loaded from the data file is indexed before its
 * first request. `state` must be the store's own object for as long as the indexes are used.
 */
export function createIndexes(state: State): Indexes & IndexUpkeep {
  const postings = {} as { [C in Collection]: Record<string, Postings> }
  /** How many items of each array are filed. */
  const filed = {} as Record<Collection, number>
  for (const collection of COLLECTIONS) {
    postings[collection] = {}
    for (const name in INDEXES[collection]) postings[collection][name] = new Map()
    filed[collection] = 0
  }

  /** Files (or with `remove`, takes out) the item at `position` under each index's keys. */
  function file(collection: Collection, position: number, remove = false): void {
    const item = state[collection][position]
    const indexes = INDEXES[collection] as Record<string, Keys<Collection>>
    for (const name in indexes) {
      for (const key of indexes[name](item)) (remove ? unpost : post)(postings[collection][name], key, position)
    }
  }

  /** Files what was appended to the collection since it was last brought up to date. */
  function catchUp(collection: Collection): void {
    const length = state[collection].length
    for (let position = filed[collection]; position < length; position++) file(collection, position)
    filed[collection] = length
  }

  /** The items filed under `key` in the collection's index `name`, oldest first. */
  function items<C extends Collection>(collection: C, name: string, key: string): State[C][number][] {
    catchUp(collection)
    const array = state[collection] as State[C][number][]
    return positionsOf(postings[collection][name], key).map((position) => array[position])
  }

  const first = <T>(found: T[], test: (item: T) => boolean): T | undefined => found.find(test)
  const last = <T>(found: T[], test: (item: T) => boolean): T | undefined => {
    for (let i = found.length - 1; i >= 0; i--) if (test(found[i])) return found[i]
    return undefined
  }
  const ofProgram = (programId: string | undefined) => (record: { program_id: string }) => programId === undefined || record.program_id == programId

  for (const collection of COLLECTIONS) catchUp(collection)

  return {
    click: (id, programId) => first(items('clicks', 'id', id), ofProgram(programId)),
    lastClickOfSession: (sessionId, programId) => last(items('clicks', 'session', sessionId), ofProgram(programId)),
    clicksOfVisitor: (visitorId) => items('clicks', 'visitor', visitorId),
    customer: (id) => items('customers', 'id', id)[0],
    customerByKey: (programId, customerKey) => first(items('customers', 'key', customerKey), ofProgram(programId)),
    // A customer without a key is known by its visitor alone.
    keylessCustomer: (programId, visitorId) => first(items('customers', 'visitor', visitorId), (customer) => !customer.customer_key && ofProgram(programId)(customer)),
    customersOfVisitor: (visitorId) => items('customers', 'visitor', visitorId),
    customersWithKey: (customerKey) => items('customers', 'key', customerKey),
    ofPartner(code) {
      const key = code.toLowerCase()
      return { clicks: items('clicks', 'partner', key), leads: items('leads', 'partner', key), sales: items('sales', 'partner', key) }
    },
    salesWithCustomerKey: (customerKey) => items('sales', 'customerKey', customerKey),
    leadsOfCustomer: (customerId) => items('leads', 'customer', customerId),
    leadsOfSession: (sessionId) => items('leads', 'session', sessionId),
    sale: (id) => items('sales', 'id', id)[0],
    saleByTransaction: (programId, transactionId) => first(items('sales', 'transaction', transactionId), ofProgram(programId)),
    firstSaleOfSubscription: (programId, subscriptionId) => first(items('sales', 'subscription', subscriptionId), ofProgram(programId)),
    saleWithStripeId: (stripeId) => items('sales', 'stripe', stripeId)[0],
    saleOfPayment(ids, programId) {
      catchUp('sales')
      const { transaction, stripe } = postings.sales
      const found = ids.flatMap((id) => [...positionsOf(transaction, id), ...positionsOf(stripe, id)]).sort((a, b) => a - b)
      return first(
        found.map((position) => state.sales[position]),
        ofProgram(programId),
      )
    },
    salesOfVisitor: (visitorId) => items('sales', 'visitor', visitorId),
    salesOfCustomer: (customerId) => items('sales', 'customer', customerId),
    commission: (id) => items('commissions', 'id', id)[0],
    refundsOfSale: (saleId) => items('refunds', 'sale', saleId),
    refund: (saleId, key) => first(items('refunds', 'sale', saleId), (refund) => refund.key == key),
    hasInvoice: (invoiceId) => items('invoices', 'value', invoiceId).length > 0,
    hasStripeEvent: (eventId) => items('stripe_events', 'value', eventId).length > 0,
    hasWebhookEvent: (key) => items('webhook_events', 'value', key).length > 0,

    rekey(target, mutate) {
      for (const [collection, index, field] of LOCATORS) {
        const key = (target as Record<string, unknown>)[field]
        if (typeof key != 'string') continue
        catchUp(collection)
        const array: readonly unknown[] = state[collection]
        const position = positionsOf(postings[collection][index], key).find((candidate) => array[candidate] == target)
        if (position === undefined) continue
        file(collection, position, true)
        mutate()
        file(collection, position)
        return { collection, position }
      }
      mutate()
      return undefined
    },
    forget(lengths) {
      for (const collection of COLLECTIONS) {
        const length = lengths[collection]
        if (length === undefined) continue
        for (let position = filed[collection] - 1; position >= length; position--) file(collection, position, true)
        filed[collection] = Math.min(filed[collection], length)
      }
    },
  }
}

function positionsOf(postings: Postings, key: string): readonly number[] {
  const found = postings.get(key)
  return found === undefined ? [] : typeof found == 'number' ? [found] : found
}

/** Adds `position` under `key`, keeping the positions ascending and without repeats. */
function post(postings: Postings, key: string, position: number): void {
  const found = postings.get(key)
  if (found === undefined) return void postings.set(key, position)
  const list = typeof found == 'number' ? [found] : found
  let at = list.length
  while (at > 0 && list[at - 1] > position) at--
  if (list[at - 1] === position) return
  list.splice(at, 0, position)
  postings.set(key, list)
}

/** Removes `position` from under `key`, if it is there. */
function unpost(postings: Postings, key: string, position: number): void {
  const found = postings.get(key)
  if (found === undefined) return
  if (typeof found == 'number') {
    if (found == position) postings.delete(key)
    return
  }
  const at = found.lastIndexOf(position)
  if (at < 0) return
  found.splice(at, 1)
  if (found.length == 1) postings.set(key, found[0])
}
