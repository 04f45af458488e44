import { randomBytes } from 'node:crypto'
import { createAffitorClient, type AffitorClient, type AffitorClientOptions } from '../node/client'
import { AffitorApiError } from '../node/errors'
import { startReferenceServer, type ReferenceServer } from '../server/server'
import type { TestChainOptions } from './args'
import type { CliIo } from './io'

/** One step's outcome. */
export interface StepReport {
  step: 'click' | 'lead' | 'sale'
  /** Whether the step did what the chain needs. */
  ok: boolean
  /** The HTTP status: 200 for an answer the client resolved with (409 for a duplicate sale), `null` without an answer. */
  status: number | null
  /**
   * click: `recorded`, `not_recorded` or `wrong_partner`; lead: `tied`, `not_tied` or `not_recorded`;
   * sale: `attributed`, `unattributed`, `wrong_partner` or `duplicate`; any step: `error` (refused
   * or unreachable) or `skipped` (an earlier step failed).
   */
  verdict: string
  /** The outcome in a sentence, with the ids, the partner or the server's reason. */
  detail: string
}

/** What `test chain --json` prints. */
export interface ChainReport {
  /** `true` only when the sale is attributed to the expected partner. */
  ok: boolean
  apiBase: string
  steps: StepReport[]
}

/** What {@link runChain} needs. */
export interface ChainOptions {
  /** The calls it makes; `createAffitorClient()`'s, or a test's wrapper around them. */
  client: Pick<AffitorClient, 'trackClick' | 'trackLead' | 'trackSale'>
  /**
   * The click and the lead as a browser sends them, without the API key; `client` by default.
   * The key then matters for the sale alone, as the command line's help says.
   */
  browser?: Pick<AffitorClient, 'trackClick' | 'trackLead'>
  /** Where the client sends, for the report. */
  apiBase: string
  /** The partner whose link is clicked, and who should get the sale. */
  partner: string
  /** Sent as `additional_data.program_id` with the click. */
  programId?: string
  /** Makes the test's fresh ids; by default `<prefix><12 random hex digits>`. */
  newId?: (prefix: string) => string
}

const randomId = (prefix: string) => prefix + randomBytes(6).toString('hex')

/**
 * Sends a test click on `partner`'s link, a lead for a new customer with that click's id, and a
 * 100-cent sale for the customer (by `customer_key` only, so the sale is attributed only if the
 * lead tied the customer to the click), and judges each answer. Never rejects: a refusal or a
 * network error is the step's verdict, and the steps after a failed click or lead are skipped.
 */
export async function runChain({ client, browser = client, apiBase, partner, programId, newId = randomId }: ChainOptions): Promise<ChainReport> {
  const steps: StepReport[] = []
  const sessionId = newId('cli_session_')
  const landing = new URL('https://example.test/')
  landing.searchParams.set('aff', partner)
  const samePartner = (code: unknown) => typeof code == 'string' && code.toLowerCase() == partner.toLowerCase() // codes match regardless of case

  const click = await attempt('click', async () => {
    const answer = await browser.trackClick({
      affiliate_url: landing.href,
      page_url: landing.href,
      page_title: 'affitor-tracker test chain',
      user_agent: 'affitor-tracker-cli',
      session_id: sessionId,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      additional_data: { test_mode: true, ...(programId !== undefined && { program_id: programId }) },
    })
    if (!answer.success || !answer.click_id) return fail('not_recorded', `click not recorded: ${answer.message ?? 'the answer has no click_id'}`)
    if (!samePartner(answer.partner_code)) return fail('wrong_partner', `click ${answer.click_id} recorded for partner ${answer.partner_code}, expected ${partner}`)
    return pass('recorded', `click ${answer.click_id} recorded for partner ${answer.partner_code}`, answer.click_id)
  })

  const customerKey = newId('cli_test_')
  const lead = await attempt('lead', async () => {
    if (!click) return skip('lead', 'the click was not recorded')
    const answer = await browser.trackLead({ customer_key: customerKey, email: `${customerKey}@example.test`, click_id: click, session_id: sessionId, page_url: landing.href })
    const tiedTo = (answer as { click_id?: unknown }).click_id
    if (!answer.success) return fail('not_recorded', `lead for customer ${customerKey} not recorded: ${answer.message ?? 'no reason given'}`)
    // The hosted API may answer without the click id: then the sale tells whether the lead held.
    if ((answer as { click_found?: unknown }).click_found === false || (tiedTo !== undefined && tiedTo !== click)) {
      return { ok: false, verdict: 'not_tied', detail: `lead for customer ${customerKey} recorded but not tied to click ${click}${tiedTo ? ` (tied to ${tiedTo})` : ''}`, value: customerKey }
    }
    return pass('tied', `lead for customer ${customerKey} tied to click ${click}`, customerKey)
  })

  const transactionId = newId('cli_test_tx_')
  await attempt('sale', async () => {
    if (!lead) return skip('sale', 'no lead was recorded')
    const answer = await client.trackSale({ transaction_id: transactionId, amount_cents: 100, customer_key: lead, additional_data: { test_mode: true } })
    if (answer.duplicate) return fail('duplicate', `sale ${transactionId} was already recorded`, 409)
    if (!answer.attributed) {
      const age = answer.click_age_days != null ? ` (click ${answer.click_age_days} days old, window ${answer.window_days} days)` : ''
      return fail('unattributed', `sale ${transactionId} recorded but unattributed: ${answer.reason ?? 'no reason given'}${age}`)
    }
    if (!samePartner(answer.partner_code)) return fail('wrong_partner', `sale ${transactionId} attributed to partner ${answer.partner_code}, expected ${partner}`)
    return pass('attributed', `sale ${transactionId} (100 cents) attributed to partner ${answer.partner_code}`)
  })

  return { ok: steps.length == 3 && steps.every((step) => step.ok), apiBase, steps }

  /** Runs a step and records its report; answers the step's value for the next one, when it passed. */
  async function attempt(step: StepReport['step'], run: () => Promise<Outcome>): Promise<string | undefined> {
    let outcome: Outcome
    try {
      outcome = await run()
    } catch (error) {
      outcome =
        error instanceof AffitorApiError
          ? { ok: false, verdict: 'error', status: error.status, detail: `${step} refused: ${error.message}${error.status == 401 ? ' (the API key: --api-key)' : ''}` }
          : { ok: false, verdict: 'error', status: null, detail: `${step} failed: ${describe(error)}` }
    }
    const status = outcome.status !== undefined ? outcome.status : outcome.verdict == 'skipped' ? null : 200
    steps.push({ step, ok: outcome.ok, status, verdict: outcome.verdict, detail: outcome.detail })
    return outcome.value
  }
}

interface Outcome {
  ok: boolean
  verdict: string
  detail: string
  status?: number | null
  /** What the next step needs: the click id after the click, the customer key after the lead. */
  value?: string
}

const pass = (verdict: string, detail: string, value?: string): Outcome => ({ ok: true, verdict, detail, value })
const fail = (verdict: string, detail: string, status?: number): Outcome => ({ ok: false, verdict, detail, status })
const skip = (step: string, why: string): Outcome => ({ ok: false, verdict: 'skipped', detail: `${step} skipped: ${why}` })

/** A network error's message, with the system's code that Node keeps in its `cause` (`ECONNREFUSED`). */
function describe(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: string; cause?: { code?: string; message?: string } }
  const why = cause?.code || cause?.message
  return `${message || String(error)}${why && !message?.includes(why) ? ` (${why})` : ''}`
}

/**
 * `affitor-tracker test chain`: runs {@link runChain} against `apiBase`, or against a reference
 * server started for it on a free port (its first program and API key, unless given) and stopped
 * after. Prints the verdicts (or, with `json`, the {@link ChainReport}); resolves with the exit
 * code: 0 when the chain is attributed to the partner, 1 when it is broken. `makeClient` lets a
 * test wrap the client's calls, to break the chain on purpose.
 */
export async function runTestChain(
  options: TestChainOptions,
  io: CliIo,
  makeClient: (options: AffitorClientOptions) => ChainOptions['client'] = createAffitorClient,
): Promise<number> {
  let server: ReferenceServer | undefined
  try {
    if (!options.apiBase) server = await startReferenceServer({ port: 0 })
    const program = server?.store.programs[0]
    const apiBase = options.apiBase ?? server!.url
    const programId = options.programId ?? program?.id
    // No retries: the test reports what the endpoint answered the first time.
    const client = makeClient({ apiBase, apiKey: options.apiKey ?? program?.api_key, programId, retry: 0 })
    const browser = makeClient({ apiBase, programId, retry: 0 })
    const report = await runChain({ client, browser, apiBase, partner: options.partner, programId })
    io.out(options.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report, options.partner, !!server))
    return report.ok ? 0 : 1
  } finally {
    await server?.close()
  }
}

/** The report for people: one line per step, then the verdict on the chain. */
export function formatReport(report: ChainReport, partner: string, local: boolean): string {
  const mark = (step: StepReport) => (step.ok ? '✓' : step.verdict == 'skipped' ? '-' : '✗')
  const broken = report.steps.find((step) => !step.ok)
  return [
    `Testing click → lead → sale against ${report.apiBase}${local ? ' (a reference server started for this test, demo seed)' : ''}`,
    '',
    ...report.steps.map((step) => `  ${mark(step)} ${step.detail}`),
    '',
    report.ok ? `OK: the chain is attributed to partner ${partner}.` : `Broken at the ${broken!.step}: ${broken!.verdict.replace('_', ' ')}.`,
    '',
  ].join('\n')
}
