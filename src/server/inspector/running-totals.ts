import type { ReferenceStore, StoreChange } from '../store/store'
import type { Click, Commission, Lead, Sale, State } from '../store/records'
import { add, sortedTotals, totalsTable, type PartnerTotals } from './inspection'

/**
 * The totals per partner over everything recorded, kept up to date change by change (see
 * `ReferenceStore.watch`), so the live page reads them in time proportional to the number of
 * partners, not to what is stored. They equal `partnerTotals(buildChains(state))`.
 */
export interface RunningTotals {
  /** The rows, partners in alphabetical order and `null` (nothing attributed) last. */
  totals(): PartnerTotals[]
  /** Stops following the store. */
  stop(): void
}

/** Starts following `store`'s changes. */
export function runningTotals(store: ReferenceStore): RunningTotals {
  let table = totalsTable()
  let stale = true
  const row = (code: string | null) => table.row(code)

  /** Adds (`sign` 1) or takes out (`sign` -1) what one record counts for. */
  const count = {
    clicks: (click: Click, sign: number) => {
      row(click.partner_code).clicks += sign
    },
    leads: (lead: Lead, sign: number) => {
      row(lead.partner_code).leads += sign
    },
    sales: (sale: Sale, sign: number) => {
      const totals = row(sale.attributed ? sale.partner_code : null)
      totals.sales += sign
      if (sale.refunded_cents) totals.refunded_sales += sign
      add(totals.revenue_cents, sale.currency, sign * (sale.amount_cents - sale.refunded_cents))
      add(totals.refunded_cents, sale.currency, sign * sale.refunded_cents)
      if (sale.attributed) {
        add(totals.commission_cents, sale.currency, sign * sale.commission_cents)
        add(totals.commission_reversed_cents, sale.currency, 0)
      }
    },
    commissions: (commission: Commission, sign: number) => {
      const sale = store.indexes.sale(commission.sale_id)
      if (!sale || !sale.attributed || sale.commission_id != commission.id) return
      const totals = row(sale.partner_code)
      add(totals.commission_cents, sale.currency, -sign * commission.reversed_cents)
      add(totals.commission_reversed_cents, sale.currency, sign * commission.reversed_cents)
    },
  }
  type Counted = keyof typeof count
  const COUNTED = Object.keys(count) as Counted[]
  function rebuild(state: Readonly<State>): void {
    table = totalsTable()
    // Sales before commissions: a commission counts through its sale.
    for (const kind of COUNTED) for (const record of state[kind]) (count[kind] as (record: unknown, sign: number) => void)(record, 1)
    stale = false
  }

  function follow(change: StoreChange | null): void {
    if (!change) return void (stale = true)
    if (stale) return
    for (const { target, collection, before } of change.updated) {
      if (!collection || !(collection in count)) continue
      const kind = collection as Counted
      ;(count[kind] as (record: unknown, sign: number) => void)({ ...target, ...before }, -1)
      ;(count[kind] as (record: unknown, sign: number) => void)(target, 1)
    }
    for (const kind of COUNTED) for (const record of (change.added[kind] as unknown[]) || []) (count[kind] as (record: unknown, sign: number) => void)(record, 1)
  }

  const stop = store.watch(follow)
  return {
    totals() {
      if (stale) rebuild(store.state)
      return sortedTotals([...table.rows.values()].filter((totals) => totals.clicks || totals.leads || totals.sales))
    },
    stop,
  }
}
