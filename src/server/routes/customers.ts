import type { Body, Click, Customer, Lead, State } from '../store/records'
import type { Program } from '../config/seed'
import type { ReferenceStore } from '../store/store'

/**
 * Gives a customer recorded without a visitor the visitor of `click`, and its leads that have
 * no click that click: a later lead (or a checkout) brought what the first one lacked. Call it
 * inside `store.change()`.
 */
export function attachClick(store: ReferenceStore, customer: Customer, click: Click, now: string): void {
  store.update(customer, { visitor_id: click.visitor_id })
  for (const lead of store.indexes.leadsOfCustomer(customer.id)) {
    if (!lead.click_id) store.update(lead, { click_id: click.id, partner_code: click.partner_code, click_attached_at: now })
  }
}

/** A customer to record with its first lead. */
export interface NewCustomer {
  customerKey: string | null
  email: string | null
  /** The click the lead came with, whose visitor the customer is; none for an organic signup. */
  click: Click | undefined
  now: string
  request: Body
  /** A browser's lead of a program whose `lead_auth` is `"server_required"`: kept until the backend confirms it. */
  provisional?: boolean
}

/** Records a new customer of `program` and its first lead; answers the lead. Call it inside `store.change()`. */
export function recordCustomer(store: ReferenceStore, state: State, program: Program, { customerKey, email, click, now, request, provisional }: NewCustomer): Lead {
  const customerId = store.id('cus')
  state.customers.push({ id: customerId, program_id: program.id, customer_key: customerKey, email, visitor_id: click ? click.visitor_id : null, created_at: now, ...(provisional && { provisional }) })
  const lead: Lead = {
    seq: ++state.seq,
    id: store.id('lead'),
    program_id: program.id,
    customer_id: customerId,
    customer_key: customerKey,
    email,
    click_id: click ? click.id : null,
    partner_code: click ? click.partner_code : null,
    created_at: now,
    ...(provisional && { provisional }),
    request,
  }
  state.leads.push(lead)
  return lead
}

/**
 * Confirms a provisional customer (the backend's authenticated lead or a sale vouched for it): the
 * click the backend gives, when it gives one, replaces the one the browser's lead brought, on the
 * customer and its leads. Call it inside `store.change()`.
 */
export function confirmCustomer(store: ReferenceStore, customer: Customer, click: Click | undefined, now: string): void {
  store.update(customer, { provisional: false, ...(click && { visitor_id: click.visitor_id }) })
  for (const lead of store.indexes.leadsOfCustomer(customer.id)) {
    store.update(lead, { provisional: false, ...(click && lead.click_id != click.id && { click_id: click.id, partner_code: click.partner_code, click_attached_at: now }) })
  }
}
