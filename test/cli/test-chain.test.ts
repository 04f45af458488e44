// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import type { TestChainOptions } from '../../src/cli/args'
import { runChain, runTestChain, type ChainReport } from '../../src/cli/test-chain'
import { createAffitorClient, type AffitorClient, type AffitorClientOptions } from '../../src/node/client'
import { closeServers, startTestServer } from '../server/helpers/server'
import { fakeIo } from '../helpers/cli-io'

afterEach(closeServers)

/** `test chain` against a server of this test, as `--api-base` would run it. */
async function againstServer(more: Partial<TestChainOptions> = {}, wrap?: (client: AffitorClient) => AffitorClient) {
  const server = await startTestServer()
  const run = fakeIo()
  const options: TestChainOptions = { apiBase: server.url, apiKey: 'sk_demo_affitor', programId: '1', partner: 'P1', json: true, ...more }
  const makeClient = (clientOptions: AffitorClientOptions) => (wrap || ((client) => client))(createAffitorClient(clientOptions))
  const code = await runTestChain(options, run.io, makeClient)
  return { code, server, run, report: (options.json ? JSON.parse(run.out) : undefined) as ChainReport }
}

const verdicts = (report: ChainReport) => report.steps.map((step) => `${step.step}:${step.verdict}`)

describe('test chain', () => {
  it('starts a reference server of its own, finds the chain attributed, exits 0 and stops the server', async () => {
    const run = fakeIo()
    expect(await runTestChain({ partner: 'P1', json: true }, run.io)).toBe(0)
    const report: ChainReport = JSON.parse(run.out)
    expect(report.ok).toBe(true)
    expect(report.steps).toEqual([
      { step: 'click', ok: true, status: 200, verdict: 'recorded', detail: expect.stringMatching(/^click clk_\w+ recorded for partner P1$/) },
      { step: 'lead', ok: true, status: 200, verdict: 'tied', detail: expect.stringMatching(/^lead for customer cli_test_[0-9a-f]{12} tied to click clk_\w+$/) },
      { step: 'sale', ok: true, status: 200, verdict: 'attributed', detail: expect.stringMatching(/^sale cli_test_tx_[0-9a-f]{12} \(100 cents\) attributed to partner P1$/) },
    ])
    await expect(fetch(report.apiBase + '/__affitor/events')).rejects.toThrow()
  })

  it('sends the protocol\'s fields to the endpoint given, and prints a verdict per step', async () => {
    const { code, server, run } = await againstServer({ partner: 'P2', json: false })
    expect(code).toBe(0)
    expect(run.out).toContain(`Testing click → lead → sale against ${server.url}\n`)
    expect(run.out).toMatch(/ {2}✓ click clk_\w+ recorded for partner P2\n {2}✓ lead for customer cli_test_\w+ tied to click clk_\w+\n {2}✓ sale cli_test_tx_\w+ \(100 cents\) attributed to partner P2\n/)
    expect(run.out).toContain('OK: the chain is attributed to partner P2.')
    const { clicks, leads, sales } = server.store.state
    expect(clicks[0].request).toMatchObject({ affiliate_url: 'https://example.test/?aff=P2', additional_data: { test_mode: true, program_id: '1' } })
    expect(leads[0]).toMatchObject({ customer_key: expect.stringMatching(/^cli_test_/), click_id: clicks[0].id })
    expect(sales[0]).toMatchObject({ amount_cents: 100, customer_key: leads[0].customer_key, attributed: true, partner_code: 'P2' })
  })

  it('finds the sale unattributed, with the server\'s reason, when its customer has no lead: exit 1', async () => {
    const { code, report, server } = await againstServer({}, (client) => ({ ...client, trackSale: (sale) => client.trackSale({ ...sale, customer_key: 'cli_test_nobody' }) }))
    expect(code).toBe(1)
    expect(report.ok).toBe(false)
    expect(verdicts(report)).toEqual(['click:recorded', 'lead:tied', 'sale:unattributed'])
    expect(report.steps[2]).toMatchObject({ ok: false, status: 200, detail: expect.stringMatching(/recorded but unattributed: no_click$/) })
    expect(server.store.state.sales[0].attributed).toBe(false)
  })

  it('says so when the lead is not tied to the click, and shows the sale that follows unattributed', async () => {
    const { code, report } = await againstServer({}, (client) => ({ ...client, trackLead: (lead) => client.trackLead({ ...lead, click_id: 'clk_unknown' }) }))
    expect(code).toBe(1)
    expect(verdicts(report)).toEqual(['click:recorded', 'lead:not_tied', 'sale:unattributed'])
    expect(report.steps[1].detail).toMatch(/recorded but not tied to click clk_\w+$/)
  })

  it('names both partners when the sale goes to another one', async () => {
    const server = await startTestServer()
    const other = await server.click('P3')
    await server.lead({ customer_key: 'someone_else', click_id: other.body.click_id })
    const run = fakeIo()
    const wrap = (client: AffitorClient): AffitorClient => ({ ...client, trackSale: (sale) => client.trackSale({ ...sale, customer_key: 'someone_else' }) })
    const options: TestChainOptions = { apiBase: server.url, apiKey: 'sk_demo_affitor', partner: 'P1', json: false }
    expect(await runTestChain(options, run.io, (clientOptions) => wrap(createAffitorClient(clientOptions)))).toBe(1)
    expect(run.out).toMatch(/ {2}✗ sale cli_test_tx_\w+ attributed to partner P3, expected P1\n/)
    expect(run.out).toContain('Broken at the sale: wrong partner.')
  })

  it('reports a refused click with its status and skips the rest', async () => {
    const { code, report } = await againstServer({ partner: 'NOBODY' })
    expect(code).toBe(1)
    expect(report.steps).toEqual([
      { step: 'click', ok: false, status: 400, verdict: 'error', detail: 'click refused: affitor API answered 400: Referral link not found' },
      { step: 'lead', ok: false, status: null, verdict: 'skipped', detail: 'lead skipped: the click was not recorded' },
      { step: 'sale', ok: false, status: null, verdict: 'skipped', detail: 'sale skipped: no lead was recorded' },
    ])
  })

  it('reports a wrong API key at the sale, the one step that needs it: click and lead go as a browser sends them', async () => {
    const { code, report } = await againstServer({ apiKey: 'sk_wrong' })
    expect(code).toBe(1)
    expect(verdicts(report)).toEqual(['click:recorded', 'lead:tied', 'sale:error'])
    expect(report.steps[2]).toEqual({ step: 'sale', ok: false, status: 401, verdict: 'error', detail: 'sale refused: affitor API answered 401: Invalid or missing API key (the API key: --api-key)' })
  })

  it('reports an endpoint that cannot be reached as a failed click, with the error', async () => {
    const server = await startTestServer()
    await server.close()
    const run = fakeIo()
    expect(await runTestChain({ apiBase: server.url, apiKey: 'k', partner: 'P1', json: true }, run.io)).toBe(1)
    const report: ChainReport = JSON.parse(run.out)
    expect(report.steps[0]).toMatchObject({ step: 'click', ok: false, status: null, verdict: 'error', detail: expect.stringMatching(/^click failed: .*ECONNREFUSED/) })
    expect(verdicts(report)).toEqual(['click:error', 'lead:skipped', 'sale:skipped'])
  })

  it('runs in-process with any client and ids, never rejecting', async () => {
    const failing = () => Promise.reject(new Error('boom'))
    const report = await runChain({ client: { trackClick: failing, trackLead: failing, trackSale: failing }, apiBase: 'x', partner: 'P1', newId: (prefix) => prefix + '1' })
    expect(report).toEqual({
      ok: false,
      apiBase: 'x',
      steps: [
        { step: 'click', ok: false, status: null, verdict: 'error', detail: 'click failed: boom' },
        { step: 'lead', ok: false, status: null, verdict: 'skipped', detail: 'lead skipped: the click was not recorded' },
        { step: 'sale', ok: false, status: null, verdict: 'skipped', detail: 'sale skipped: no lead was recorded' },
      ],
    })
  })

  it('judges a click for another partner and a duplicate sale as broken', async () => {
    const click = async () => ({ success: true, click_id: 'clk_1', partner_code: 'P2' })
    const lead = async () => ({ success: true })
    const sale = async () => ({ success: true, duplicate: true })
    const other = await runChain({ client: { trackClick: click, trackLead: lead, trackSale: sale }, apiBase: 'x', partner: 'P1' })
    expect(other.steps[0]).toEqual({ step: 'click', ok: false, status: 200, verdict: 'wrong_partner', detail: 'click clk_1 recorded for partner P2, expected P1' })
    expect(verdicts(other)).toEqual(['click:wrong_partner', 'lead:skipped', 'sale:skipped'])

    // Partner codes match regardless of case, as the server matches them.
    const duplicate = await runChain({ client: { trackClick: click, trackLead: lead, trackSale: sale }, apiBase: 'x', partner: 'p2', newId: (prefix) => prefix + '1' })
    expect(verdicts(duplicate)).toEqual(['click:recorded', 'lead:tied', 'sale:duplicate'])
    expect(duplicate.steps[2]).toMatchObject({ status: 409, detail: 'sale cli_test_tx_1 was already recorded' })
    expect(duplicate.ok).toBe(false)
  })
})
