// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import type { Seed } from '../../../src/server'
import { CLAIM_WINDOW_MS } from '../../../src/server/routes/lead'
import { AUTH, closeServers, startTestServer, testClock } from '../helpers/server'

afterEach(closeServers)

const NOT_FOUND = 'Customer not found. Provide a valid click_id or customer_key.'

describe('POST /api/v1/track/lead', () => {
  it('ties a customer to a click and answers the protocol message', async () => {
    const server = await startTestServer()
    const { click_id } = (await server.click('P1')).body
    const body = { customer_key: 'user_1', email: 'a@b.co', click_id, page_url: 'https://shop.example/app', session_id: 's1', program_id: '1' }
    const answer = await server.lead(body)
    expect(answer).toMatchObject({ status: 200, body: { success: true, message: 'Lead tracked successfully', click_id, partner_code: 'P1' } })
    const [lead] = await server.events('lead')
    expect(lead).toMatchObject({ type: 'lead', lead_id: answer.body.lead_id, customer_key: 'user_1', email: 'a@b.co', click_id, partner_code: 'P1', program_id: '1', request: body })
  })

  it("takes the session's newest click for a lead sent without a click id while its click was on the way", async () => {
    const server = await startTestServer()
    await server.click('P1', { session_id: 's1' })
    const { click_id } = (await server.click('P2', { session_id: 's1' })).body
    await server.click('P3', { session_id: 's2' })
    expect(await server.lead({ customer_key: 'user_1', session_id: 's1' })).toMatchObject({ status: 200, body: { click_id, partner_code: 'P2' } })
    expect(await server.lead({ customer_key: 'user_2', session_id: 's9' })).toMatchObject({ status: 200, body: { click_id: null } })
    // An explicit click id, even unknown, is not second-guessed.
    expect(await server.lead({ customer_key: 'user_3', session_id: 's1', click_id: 'clk_unknown' })).toMatchObject({ status: 200, body: { click_id: null, click_found: false } })
  })

  it('requires click_id or customer_key', async () => {
    const server = await startTestServer()
    for (const body of [{}, { email: 'a@b.co' }, { customer_key: '', click_id: null }, { click_ids: ['clk_x'] }]) {
      expect(await server.lead(body)).toMatchObject({ status: 400, body: { error: 'click_id or customer_key is required' } })
    }
  })

  it('refuses an unknown click_id alone, and keeps the lead of a customer key that came with one', async () => {
    const server = await startTestServer()
    expect(await server.lead({ click_id: 'clk_unknown' })).toMatchObject({ status: 400, body: { error: NOT_FOUND } })
    expect(await server.events('lead')).toHaveLength(0)
    expect(await server.lead({ click_id: 'clk_unknown', customer_key: 'user_1' })).toMatchObject({
      status: 200,
      body: { success: true, click_id: null, partner_code: null, click_found: false },
    })
    expect(await server.lead({ click_id: 'clk_unknown', customer_key: 'user_1' })).toMatchObject({ status: 200, body: { duplicate: true } })
    const leads = await server.events('lead')
    expect(leads).toHaveLength(1)
    expect(leads[0]).toMatchObject({ customer_key: 'user_1', click_id: null, request: { click_id: 'clk_unknown' } })
  })

  it('records a lead with a customer key and no click: known, not attributed so far', async () => {
    const server = await startTestServer()
    expect((await server.lead({ customer_key: 'user_1', email: 'a@b.co' })).body).toMatchObject({ success: true, click_id: null, partner_code: null })
    expect((await server.sale({ transaction_id: 't1', amount_cents: 100, customer_key: 'user_1' })).body).toMatchObject({ attributed: false, reason: 'no_click' })
  })

  it('answers a repeated lead for the same customer as a duplicate, never a second lead', async () => {
    const server = await startTestServer()
    const { click_id } = (await server.click('P1')).body
    await server.lead({ customer_key: 'user_1', click_id })
    const again = await server.lead({ customer_key: 'user_1', click_id, email: 'new@b.co' })
    expect(again).toMatchObject({ status: 200, body: { success: true, duplicate: true, click_attached: false } })
    expect(await server.events('lead')).toHaveLength(1)
  })

  it('attaches a click to a customer whose first lead had none', async () => {
    const server = await startTestServer()
    await server.lead({ customer_key: 'user_1' })
    const { click_id } = (await server.click('P2')).body
    expect((await server.lead({ customer_key: 'user_1', click_id })).body).toMatchObject({ duplicate: true, click_attached: true })
    const leads = await server.events('lead')
    expect(leads).toHaveLength(1)
    expect(leads[0]).toMatchObject({ click_id, partner_code: 'P2', click_attached_at: expect.any(String) })
    expect((await server.sale({ transaction_id: 't1', amount_cents: 100, customer_key: 'user_1' })).body).toMatchObject({ attributed: true, partner_code: 'P2' })
  })

  describe('leads that cannot be stolen', () => {
    it('never move a customer that has a click to another click, with the API key or without', async () => {
      const server = await startTestServer()
      const first = (await server.click('P1')).body.click_id
      await server.lead({ customer_key: 'user_1', click_id: first })
      const other = (await server.click('P2', { existing_click_id: undefined })).body.click_id
      expect((await server.lead({ customer_key: 'user_1', click_id: other })).body).toMatchObject({ duplicate: true, click_attached: false })
      expect((await server.lead({ customer_key: 'user_1', click_id: other }, AUTH)).body).toMatchObject({ duplicate: true, click_attached: false })
      expect((await server.sale({ transaction_id: 't1', amount_cents: 100, customer_key: 'user_1' })).body).toMatchObject({ attributed: true, partner_code: 'P1' })
    })

    it('give a click-less customer a browser\'s click only within an hour of its first lead; the backend\'s at any time', async () => {
      const clock = testClock()
      const server = await startTestServer({ now: clock.now })
      // The backend records the signup; the page's signup() follows minutes later with the click.
      await server.lead({ customer_key: 'soon' }, AUTH)
      await server.lead({ customer_key: 'late' }, AUTH)
      await server.lead({ customer_key: 'backend' }, AUTH)
      clock.advance(10 * 60_000)
      const soon = (await server.click('P1')).body.click_id
      expect((await server.lead({ customer_key: 'soon', click_id: soon })).body).toMatchObject({ click_attached: true })
      // Days later, someone who guessed the keys.
      clock.advance(CLAIM_WINDOW_MS)
      const thief = (await server.click('P3')).body.click_id
      expect((await server.lead({ customer_key: 'late', click_id: thief })).body).toMatchObject({ duplicate: true, click_attached: false, reason: 'claim_window_passed' })
      expect((await server.sale({ transaction_id: 't_late', amount_cents: 100, customer_key: 'late' })).body).toMatchObject({ attributed: false, reason: 'no_click' })
      expect((await server.lead({ customer_key: 'backend', click_id: thief }, AUTH)).body).toMatchObject({ click_attached: true })
    })
  })

  describe('lead_auth: "server_required"', () => {
    const strict = (): Seed => ({ programs: [{ id: 1, api_key: 'sk_demo_affitor', allowed_origins: ['*'], commission: { type: 'percent', value: 10 }, lead_auth: 'server_required', partners: [{ code: 'REAL' }, { code: 'THIEF' }] }] })

    it('records a browser\'s lead as provisional, and a backend\'s as it comes', async () => {
      const server = await startTestServer({ seed: strict() })
      const { click_id } = (await server.click('REAL')).body
      expect((await server.lead({ customer_key: 'browser_user', click_id })).body).toMatchObject({ success: true, provisional: true, click_id })
      expect((await server.lead({ customer_key: 'backend_user', click_id }, AUTH)).body).not.toHaveProperty('provisional')
      const leads = await server.events('lead')
      expect(leads.map((lead: { provisional?: boolean }) => !!lead.provisional)).toEqual([true, false])
    })

    it('lets the backend\'s lead confirm a pre-claimed key with its own click: the thief is paid nothing', async () => {
      const server = await startTestServer({ seed: strict() })
      const thief = (await server.click('THIEF')).body.click_id
      // Someone who guessed the key claims it before the real signup.
      expect((await server.lead({ customer_key: 'user_9', click_id: thief })).body).toMatchObject({ provisional: true })
      const real = (await server.click('REAL', { existing_click_id: undefined })).body.click_id
      // The page's signup() repeats it: still provisional, nothing moved.
      expect((await server.lead({ customer_key: 'user_9', click_id: real })).body).toMatchObject({ duplicate: true, provisional: true, click_attached: false })
      expect((await server.lead({ customer_key: 'user_9', click_id: real }, AUTH)).body).toMatchObject({ confirmed: true, click_attached: true })
      expect((await server.sale({ transaction_id: 't9', amount_cents: 1000, customer_key: 'user_9' })).body).toMatchObject({ attributed: true, partner_code: 'REAL' })
      expect((await server.events('lead'))[0]).toMatchObject({ click_id: real, partner_code: 'REAL', provisional: false })
    })

    it('lets a sale confirm it, the sale\'s own click winning', async () => {
      const server = await startTestServer({ seed: strict() })
      const thief = (await server.click('THIEF')).body.click_id
      await server.lead({ customer_key: 'user_8', click_id: thief })
      const real = (await server.click('REAL', { existing_click_id: undefined })).body.click_id
      expect((await server.sale({ transaction_id: 't8', amount_cents: 1000, customer_key: 'user_8', click_id: real })).body).toMatchObject({ attributed: true, partner_code: 'REAL' })
      // Confirmed: a later sale with the key alone goes the same way.
      expect((await server.sale({ transaction_id: 't8b', amount_cents: 1000, customer_key: 'user_8' })).body).toMatchObject({ attributed: true, partner_code: 'REAL' })
    })

    it('refuses any other value in the seed', async () => {
      const seed = strict()
      ;(seed.programs[0] as { lead_auth: string }).lead_auth = 'sometimes'
      await expect(startTestServer({ seed })).rejects.toThrow(/lead_auth must be "browser" or "server_required"/)
    })
  })

  it('identifies a customer without a key by the click\'s visitor', async () => {
    const server = await startTestServer()
    const { click_id } = (await server.click('P1')).body
    expect((await server.lead({ click_id, email: 'a@b.co' })).body).toMatchObject({ success: true, click_id })
    expect((await server.lead({ click_id })).body).toMatchObject({ duplicate: true })
    expect(await server.events('lead')).toHaveLength(1)
  })

  it('falls back on the newest known id of click_ids', async () => {
    const server = await startTestServer()
    const older = (await server.click('P1')).body.click_id
    const newer = (await server.click('P2')).body.click_id
    const answer = await server.lead({ customer_key: 'user_1', click_ids: [older, newer, 'clk_gone'] })
    expect(answer.body).toMatchObject({ click_id: newer, partner_code: 'P2' })
  })

  it('checks an optional API key, which then decides the program', async () => {
    const server = await startTestServer()
    expect(await server.lead({ customer_key: 'user_1' }, { authorization: 'Bearer sk_wrong' })).toMatchObject({ status: 401, body: { error: 'Invalid or missing API key' } })
    expect(await server.lead({ customer_key: 'user_1' }, { authorization: 'Basic abc' })).toMatchObject({ status: 401 })
    expect(await server.lead({ customer_key: 'user_1' }, AUTH)).toMatchObject({ status: 200, body: { success: true } })
  })

  it('checks program_id', async () => {
    const server = await startTestServer()
    expect(await server.lead({ customer_key: 'u', program_id: 9 })).toMatchObject({ status: 400, body: { error: 'Unknown program_id: 9' } })
    expect(await server.lead({ customer_key: 'u', program_id: 1 })).toMatchObject({ status: 200 })
  })

  it('names a field of the wrong type', async () => {
    const server = await startTestServer()
    expect((await server.lead({ customer_key: 42 })).body).toEqual({ error: 'customer_key must be a string' })
    expect((await server.lead({ customer_key: 'u', email: true })).body).toEqual({ error: 'email must be a string' })
    expect((await server.lead({ customer_key: 'u', click_ids: 'clk' })).body).toEqual({ error: 'click_ids must be an array' })
    expect((await server.lead({ customer_key: 'u', program_id: {} })).body).toEqual({ error: 'program_id must be a string or a number' })
  })

  it('answers a repeated event_id with the original answer and records nothing new', async () => {
    const server = await startTestServer()
    const first = await server.lead({ customer_key: 'user_1', event_id: 'l-1' })
    expect(await server.lead({ customer_key: 'user_1', event_id: 'l-1' })).toMatchObject({ status: 200, body: first.body })
    expect(first.body).not.toHaveProperty('duplicate')
    expect(await server.events('lead')).toHaveLength(1)
  })
})

describe('leads across programs', () => {
  const seed: Seed = {
    programs: [
      { id: 1, api_key: 'sk_one', allowed_origins: ['*'], commission: { type: 'percent', value: 10 }, partners: [{ code: 'ONE' }] },
      { id: 2, api_key: 'sk_two', allowed_origins: ['*'], commission: { type: 'percent', value: 10 }, partners: [{ code: 'TWO' }] },
    ],
  }

  it('takes the click\'s program, and needs program_id without a click', async () => {
    const server = await startTestServer({ seed })
    const { click_id } = (await server.click('TWO')).body
    expect((await server.lead({ customer_key: 'u', click_id })).status).toBe(200)
    expect((await server.events('lead'))[0].program_id).toBe('2')
    expect(await server.lead({ customer_key: 'v' })).toMatchObject({ status: 400, body: { error: 'program_id is required when the lead has no known click_id' } })
    expect(await server.lead({ customer_key: 'v', program_id: 1 })).toMatchObject({ status: 200 })
  })

  it('keeps a click of another program out of a lead', async () => {
    const server = await startTestServer({ seed })
    const { click_id } = (await server.click('TWO')).body
    expect(await server.lead({ customer_key: 'u', click_id, program_id: 1 })).toMatchObject({
      status: 200,
      body: { click_id: null, partner_code: null, click_found: false },
    })
    expect(await server.lead({ customer_key: 'u', program_id: 2 }, { authorization: 'Bearer sk_one' })).toMatchObject({
      status: 400,
      body: { error: 'program_id does not match the API key' },
    })
  })
})
