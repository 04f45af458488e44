import { isoTime } from '../config/clock'
import { requireAllowedOrigin } from '../http/cors'
import { rememberAnswer, replayedAnswer } from './event-ids'
import { optionalObject, optionalProgramId, optionalString } from './fields'
import { badRequest, type Route } from '../http/http'
import type { Click } from '../store/records'
import type { Partner, Program } from '../config/seed'
import type { ReferenceStore } from '../store/store'

/** The optional string fields of a click; a value of another type is refused. */
const STRING_FIELDS = ['page_url', 'page_title', 'referrer_url', 'session_id', 'user_agent', 'screen_resolution', 'viewport_size', 'language', 'timezone']

/**
 * `POST /api/v1/track/click`: records a click on a partner's link and answers its id and the
 * cookie lifetime. With an `existing_click_id` of the same program the click joins that
 * click's visitor and, being the latest, becomes the one a sale is attributed to.
 */
export const trackClick: Route = async (ctx) => {
  const body = await ctx.json()
  const eventId = optionalString(body, 'event_id')
  const affiliateUrl = body.affiliate_url
  if (affiliateUrl == null || affiliateUrl === '') throw badRequest('affiliate_url is required')
  if (typeof affiliateUrl != 'string') throw badRequest('affiliate_url must be a string')
  optionalString(body, 'affiliate_url')
  for (const field of STRING_FIELDS) optionalString(body, field)
  const existingClickId = optionalString(body, 'existing_click_id')
  const additional = optionalObject(body, 'additional_data') ?? {}
  const programId = optionalProgramId(additional, 'program_id', 'additional_data.program_id')
  let url: URL
  try {
    url = new URL(affiliateUrl)
  } catch {
    throw badRequest('Invalid affiliate_url')
  }
  if (url.protocol != 'http:' && url.protocol != 'https:') throw badRequest('Invalid affiliate_url')

  const { store } = ctx
  const { program, partner } = findReferral(store, url, programId)
  ctx.program = program
  requireAllowedOrigin(ctx, program)
  const replay = replayedAnswer(store.state, 'click', eventId)
  if (replay) return { status: 200, body: replay }

  return store.change((state) => {
    if (!partner.active) return { status: 200, body: rememberAnswer(store, 'click', eventId, { success: false, message: 'Referral link is inactive' }) }
    const createdAt = isoTime(ctx.clock.now())
    const existing = existingClickId && store.indexes.click(existingClickId, program.id)
    // A new browser is known by the id its first click gives it.
    const visitorId = (existing && existing.visitor_id) || store.id('vis')
    const id = store.id('clk')
    state.clicks.push({
      seq: ++state.seq,
      id,
      program_id: program.id,
      visitor_id: visitorId,
      partner_code: partner.code,
      test_mode: additional.test_mode === true,
      created_at: createdAt,
      request: body,
    })
    attachWaitingLeads(store, program.id, body.session_id, { id, visitor_id: visitorId, partner_code: partner.code }, createdAt)
    const answer = { success: true, click_id: id, partner_code: partner.code, cookie_window_days: program.window_days }
    return { status: 200, body: rememberAnswer(store, 'click', eventId, answer) }
  })
}

/**
 * Ties a click that arrived late (the browser queued it while the endpoint was down, or it was
 * sent from another subdomain) to the customers whose leads came first without a click, in the
 * same browser session: the `session_id` the tracker keeps in a cookie shared by the site.
 */
function attachWaitingLeads(store: ReferenceStore, programId: string, sessionId: unknown, click: Pick<Click, 'id' | 'visitor_id' | 'partner_code'>, at: string): void {
  if (typeof sessionId != 'string' || !sessionId) return
  for (const lead of store.indexes.leadsOfSession(sessionId)) {
    if (lead.program_id != programId || lead.click_id) continue
    const customer = store.indexes.customer(lead.customer_id)
    if (!customer || customer.visitor_id) continue
    store.update(customer, { visitor_id: click.visitor_id })
    store.update(lead, { click_id: click.id, partner_code: click.partner_code, click_attached_at: at })
  }
}

const partnersByCode = new WeakMap<Program, Map<string, Partner>>()

/** A program's partners by lower-case code, the first of a code winning as a scan would find it. */
function partnersOf(program: Program): Map<string, Partner> {
  let found = partnersByCode.get(program)
  if (!found) {
    found = new Map()
    for (const partner of program.partners) if (!found.has(partner.code.toLowerCase())) found.set(partner.code.toLowerCase(), partner)
    partnersByCode.set(program, found)
  }
  return found
}

/**
 * The program and partner a landing URL refers to. The program is `additional_data.program_id`
 * when given; otherwise the only program with a partner of that code. Codes match regardless
 * of case. Throws the protocol's 400s.
 */
export function findReferral(store: ReferenceStore, url: URL, programId: string | undefined): { program: Program; partner: Partner } {
  const programs = programId === undefined ? store.programs : store.programs.filter((program) => program.id == programId)
  if (!programs.length) throw badRequest('Referral link not found')
  const codeFor = (program: Program) => (url.searchParams.get(program.param) || '').trim()
  if (!programs.some(codeFor)) {
    const params = [...new Set(programs.map((program) => program.param))]
    throw badRequest(`No ${params.join(' or ')} parameter found in affiliate_url`)
  }
  const found = programs.flatMap((program) => {
    const code = codeFor(program).toLowerCase()
    const partner = code && partnersOf(program).get(code)
    return partner ? [{ program, partner }] : []
  })
  if (!found.length) throw badRequest('Referral link not found')
  if (found.length > 1) throw badRequest(`Partner code ${found[0].partner.code} exists in several programs: send additional_data.program_id`)
  return found[0]
}
