import { randomBytes } from 'node:crypto'
import { DAY_MS } from '../config/clock'
import { badRequest, HttpError, type Context, type Route } from '../http/http'
import type { ReferenceStore } from '../store/store'
import { chainFilter, EVENT_TYPES, filteredChains, listEvents, partnerTotals, recentChains, type ChainPage, type EventType, type PartnerTotals } from './inspection'
import { runningTotals, type RunningTotals } from './running-totals'
import { inspectorPage, inspectorPolicy } from './page'

/** `GET /__affitor/?partner=DEMO&customer=user_42`: the live page, its filter filled in. */
export const inspectorPageRoute: Route = ({ res, url, store }) => {
  const nonce = randomBytes(16).toString('base64')
  const partners = [...new Set(store.programs.flatMap((program) => program.partners.map((partner) => partner.code)))]
  const html = inspectorPage(nonce, { filter: chainFilter(url.searchParams), partners })
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(html)),
    'cache-control': 'no-store',
    'content-security-policy': inspectorPolicy(nonce),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  })
  res.end(html)
}

/** How many events a page of `GET /__affitor/events` holds, unless `limit` says, and at most. */
export const EVENTS_PAGE = { default: 100, max: 1000 }
/** How many chains a page of `GET /__affitor/chains` holds, unless `limit` says, and at most. */
export const CHAINS_PAGE = { default: 50, max: 500 }

/** The `limit` and `cursor` of a paginated route's query; 400 for values out of range. */
function page(params: URLSearchParams, sizes: { default: number; max: number }): { limit: number; cursor: number | undefined } {
  const limit = params.get('limit')
  const cursor = params.get('cursor')
  if (limit !== null && !(/^\d{1,7}$/.test(limit) && +limit >= 1 && +limit <= sizes.max)) throw badRequest(`limit must be a whole number from 1 to ${sizes.max}`)
  if (cursor !== null && cursor !== '' && !/^\d{1,15}$/.test(cursor)) throw badRequest('cursor must be the next_cursor of the page before')
  return { limit: limit === null ? sizes.default : +limit, cursor: cursor ? +cursor : undefined }
}

/**
 * `GET /__affitor/events?type=click|lead|sale|refund&limit=100&cursor=…`: `{ events, next_cursor }`,
 * oldest first, a page at a time: `cursor` is the `next_cursor` of the page before, `null` after the last.
 */
export const eventsRoute: Route = ({ url, store }) => {
  const type = url.searchParams.get('type') || undefined
  if (type && !EVENT_TYPES.includes(type as EventType)) throw badRequest(`type must be one of ${EVENT_TYPES.join(', ')}`)
  const { limit, cursor } = page(url.searchParams, EVENTS_PAGE)
  return { status: 200, body: listEvents(store.state, { type: type as EventType | undefined, after: cursor, limit }) }
}

/** The running totals of each store the live page has looked at. */
const runningTotalsOf = new WeakMap<ReferenceStore, RunningTotals>()

/**
 * `GET /__affitor/chains?partner=DEMO&customer=user_42&limit=50&cursor=…&since=…`: what the live
 * page draws, with the server time: a page of the chains the filter keeps (all without one), most
 * recently active first, the totals per partner over all of them, the store's `version`, and
 * `next_cursor`. With `since` equal to the current `version` (and no cursor), nothing changed:
 * `{ unchanged: true }` and the time alone. Without a filter a page costs what it holds; with one,
 * what the partner's or customer's chains hold.
 */
export const chainsRoute: Route = ({ url, store, clock }) => {
  const filter = chainFilter(url.searchParams)
  const { limit, cursor } = page(url.searchParams, CHAINS_PAGE)
  const time = { now: new Date(clock.now()).toISOString(), clock_offset_ms: clock.offset, version: store.version }
  if (url.searchParams.get('since') === String(store.version) && cursor === undefined) return { status: 200, body: { unchanged: true, ...time } }
  let chains: ChainPage
  let totals: PartnerTotals[]
  if (filter.partner === undefined && filter.customer === undefined) {
    let running = runningTotalsOf.get(store)
    if (!running) runningTotalsOf.set(store, (running = runningTotals(store)))
    totals = running.totals()
    chains = recentChains(store.state, store.indexes, { before: cursor, limit })
  } else {
    const kept = filteredChains(store.indexes, filter)
    totals = partnerTotals(kept, filter)
    const from = cursor === undefined ? 0 : kept.findIndex((chain) => chain.seq < cursor)
    const shown = from < 0 ? [] : kept.slice(from, from + limit)
    chains = { chains: shown, next_cursor: from >= 0 && from + limit < kept.length ? String(shown[shown.length - 1].seq) : null }
  }
  return {
    status: 200,
    body: {
      ...time,
      programs: store.programs.map(({ id, name }) => ({ id, name })),
      filter: { partner: filter.partner ?? null, customer: filter.customer ?? null },
      totals,
      ...chains,
    },
  }
}

/** `POST /__affitor/reset`: forgets everything recorded and puts the clock back. */
export const resetRoute: Route = async (ctx) => {
  sameSiteOnly(ctx)
  ctx.store.reset()
  // The clock goes back only once the reset is in the data file: a failed write undoes the reset.
  await ctx.store.written()
  ctx.clock.reset()
  return { status: 200, body: { success: true } }
}

/** The latest time the test clock may be set to: the last millisecond of the year 9999. */
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/**
 * `GET /__affitor/clock` answers the server time; `POST` moves it with exactly one of
 * `{"advance_days": n}`, `{"advance_ms": n}` (n may be negative or fractional) or
 * `{"set": "<ISO 8601 date>"}`. Mounted only with the `testClock` option.
 */
export const clockRoute: Route = async (ctx) => {
  const { clock } = ctx
  if (ctx.req.method == 'POST') {
    sameSiteOnly(ctx)
    const body = await ctx.json()
    const keys = Object.keys(body).filter((key) => body[key] != null)
    if (keys.length != 1 || !['advance_days', 'advance_ms', 'set'].includes(keys[0])) {
      throw badRequest('Send exactly one of {"advance_days": n}, {"advance_ms": n} or {"set": "<ISO 8601 date>"}')
    }
    const value = body[keys[0]]
    let time: number
    if (keys[0] == 'set') {
      time = typeof value == 'string' ? Date.parse(value) : NaN
      if (Number.isNaN(time)) throw badRequest('set must be an ISO 8601 date such as "2030-01-01T00:00:00Z"')
    } else {
      if (typeof value != 'number' || !Number.isFinite(value)) throw badRequest(`${keys[0]} must be a number`)
      time = clock.now() + (keys[0] == 'advance_days' ? value * DAY_MS : value)
    }
    // Checked before the clock moves: a time no Date can hold would break every later request.
    if (!(time >= 0 && time <= MAX_TIME_MS)) throw badRequest('The clock must stay between the years 1970 and 9999')
    clock.set(time)
  }
  return { status: 200, body: { now: new Date(clock.now()).toISOString(), offset_ms: clock.offset } }
}

/**
 * Refuses a request that a page of another site made: these routes change the server's state,
 * and any page a developer visits could otherwise post to localhost.
 */
function sameSiteOnly({ req }: Context): void {
  const origin = req.headers.origin
  let host: string | undefined
  try {
    host = origin ? new URL(origin).host : undefined
  } catch {
    host = 'invalid'
  }
  if ((host && host != req.headers.host) || req.headers['sec-fetch-site'] == 'cross-site') {
    throw new HttpError(403, 'Requests from other sites cannot change the reference server')
  }
}
