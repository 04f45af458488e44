import { isoTime } from '../config/clock'
import { requireAllowedOrigin } from '../http/cors'
import { attachClick, confirmCustomer, recordCustomer } from './customers'
import { rememberAnswer, replayedAnswer } from './event-ids'
import { optionalObject, optionalProgramId, optionalString, optionalStrings } from './fields'
import { badRequest, bearerToken, HttpError, type Route } from '../http/http'
import type { Click } from '../store/records'
import type { Program } from '../config/seed'

const CUSTOMER_NOT_FOUND = 'Customer not found. Provide a valid click_id or customer_key.'

/**
 * How long after a customer was first recorded a lead without the API key (a browser's) may still
 * give it a click, in ms: the registration itself, where the backend's lead and the page's
 * `signup()` arrive minutes apart. Later, only the backend's authenticated lead may: a guessed
 * customer key must not let anyone attach their own click to a customer recorded days before.
 */
export const CLAIM_WINDOW_MS = 60 * 60_000

/**
 * `POST /api/v1/track/lead`: ties a customer (the site's own user id, `customer_key`) to the
 * visitor of a click.
 *
 * - The click is `click_id`, or else the newest known id of `click_ids`, or, with neither, the
 *   newest click of the lead's `session_id`: a lead the browser sent while its click was still
 *   on its way. (A click that arrives after its lead is tied to it by the click route.)
 * - A lead with a `customer_key` and no click is recorded: the customer is known, unattributed
 *   so far. So is one whose `click_id` is not known (a cookie older than the server's data, a
 *   click sent elsewhere): the answer says `click_found: false`, and nothing is lost. Without a
 *   `customer_key`, an unknown `click_id` is refused: there is no one to record.
 * - A lead without `customer_key` identifies the customer by the click's visitor.
 * - A repeated lead for a customer (same program and `customer_key`) records nothing and answers
 *   `"duplicate": true`, except that a click the first lead lacked is attached to it: by a lead
 *   with the API key at any time, by one without (a browser's) only within
 *   {@link CLAIM_WINDOW_MS} of the customer's first lead (later: `"reason": "claim_window_passed"`).
 *   A customer's click is never replaced by a lead.
 * - The program is the API key's (when an `Authorization` header is sent it must be valid),
 *   else `program_id`, else the click's, else the only program.
 */
export const trackLead: Route = async (ctx) => {
  const body = await ctx.json()
  const eventId = optionalString(body, 'event_id')
  const customerKey = optionalString(body, 'customer_key')
  const email = optionalString(body, 'email')
  const clickId = optionalString(body, 'click_id')
  const clickIds = optionalStrings(body, 'click_ids') ?? []
  optionalString(body, 'page_url')
  const sessionId = optionalString(body, 'session_id')
  optionalObject(body, 'additional_data')
  const programId = optionalProgramId(body, 'program_id')
  if (!clickId && !customerKey) throw badRequest('click_id or customer_key is required')

  const { store } = ctx
  const token = bearerToken(ctx.req)
  const keyProgram = token === undefined ? undefined : store.programByApiKey(token)
  if (token !== undefined && !keyProgram) throw new HttpError(401, 'Invalid or missing API key')
  const idProgram = programId === undefined ? undefined : store.program(programId)
  if (programId !== undefined && !idProgram) throw badRequest(`Unknown program_id: ${programId}`)
  if (keyProgram && idProgram && keyProgram != idProgram) throw badRequest('program_id does not match the API key')
  let program: Program | undefined = keyProgram || idProgram
  let click: Click | undefined
  for (const id of [clickId, ...clickIds.slice().reverse()]) {
    click = id === undefined ? undefined : store.indexes.click(id, program && program.id)
    if (click) break
  }
  // Sent without a click id while the session's click was still on its way, and it got here first.
  if (!click && !clickId && !clickIds.length && sessionId) click = store.indexes.lastClickOfSession(sessionId, program && program.id)
  program ||= click ? store.program(click.program_id) : store.programs.length == 1 ? store.programs[0] : undefined
  if (!program) throw badRequest(clickId ? CUSTOMER_NOT_FOUND : 'program_id is required when the lead has no known click_id')
  ctx.program = program
  requireAllowedOrigin(ctx, program)
  const replay = replayedAnswer(store.state, 'lead', eventId)
  if (replay) return { status: 200, body: replay }

  const found = program
  const customer = customerKey ? store.indexes.customerByKey(found.id, customerKey) : click && store.indexes.keylessCustomer(found.id, click.visitor_id)
  if (!customer && !customerKey && !click) throw badRequest(CUSTOMER_NOT_FOUND)

  return store.change((state) => {
    const now = isoTime(ctx.clock.now())
    // A program that requires the backend: the browser's word alone is provisional.
    const provisional = found.lead_auth == 'server_required' && !keyProgram
    if (customer && customer.provisional && keyProgram) {
      confirmCustomer(store, customer, click, now)
      const answer = { success: true, duplicate: true, message: 'Lead confirmed', confirmed: true, click_attached: !!click }
      return { status: 200, body: rememberAnswer(store, 'lead', eventId, answer) }
    }
    if (customer) {
      // A customer's click is never moved; a click-less one gets the lead's, from a browser only shortly after it was recorded.
      const late = !keyProgram && ctx.clock.now() - Date.parse(customer.created_at) > CLAIM_WINDOW_MS
      const attach = !customer.visitor_id && !!click && !late
      if (click && attach) attachClick(store, customer, click, now)
      const refused = !customer.visitor_id && !!click && late
      const answer = { success: true, duplicate: true, message: 'Lead already tracked', click_attached: attach, ...(refused && { reason: 'claim_window_passed' }), ...(customer.provisional && { provisional: true }) }
      return { status: 200, body: rememberAnswer(store, 'lead', eventId, answer) }
    }
    const { id } = recordCustomer(store, state, found, { customerKey: customerKey ?? null, email: email ?? null, click, now, request: body, provisional })
    const answer = {
      success: true,
      message: provisional ? 'Lead tracked, provisional until your backend confirms it' : 'Lead tracked successfully',
      ...(provisional && { provisional: true }),
      lead_id: id,
      click_id: click ? click.id : null,
      partner_code: click ? click.partner_code : null,
      ...(clickId && !click && { click_found: false }),
    }
    return { status: 200, body: rememberAnswer(store, 'lead', eventId, answer) }
  })
}
