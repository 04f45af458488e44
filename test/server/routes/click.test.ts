// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import type { Seed } from '../../../src/server'
import { closeServers, startTestServer } from '../helpers/server'

afterEach(closeServers)

const TWO_PROGRAMS: Seed = {
  programs: [
    { id: 1, api_key: 'sk_one', allowed_origins: ['*'], window_days: 30, commission: { type: 'percent', value: 10 }, partners: [{ code: 'SHARED' }, { code: 'ONE' }] },
    { id: 'two', api_key: 'sk_two', allowed_origins: ['*'], param: 'ref', commission: { type: 'percent', value: 10 }, partners: [{ code: 'SHARED' }, { code: 'TWO' }] },
  ],
}

describe('POST /api/v1/track/click', () => {
  it('records a click with every field and answers its id, partner and cookie window', async () => {
    const server = await startTestServer()
    const body = {
      affiliate_url: 'https://shop.example/pricing?aff=P1&utm_source=news',
      page_url: 'https://shop.example/pricing?aff=P1&utm_source=news',
      page_title: 'Pricing',
      referrer_url: 'https://partner.example/',
      session_id: 's1',
      user_agent: 'UA',
      screen_resolution: '1920x1080',
      viewport_size: '1280x800',
      language: 'en-US',
      timezone: 'Europe/Paris',
      additional_data: { program_id: 1, campaign: 'spring' },
    }
    const answer = await server.post('/api/v1/track/click', body)
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ success: true, click_id: expect.stringMatching(/^clk_/), partner_code: 'P1', cookie_window_days: 60 })
    const [click] = await server.events('click')
    expect(click).toMatchObject({ type: 'click', click_id: answer.body.click_id, partner_code: 'P1', program_id: '1', test_mode: false, request: body })
    expect(Date.parse(click.created_at)).toBeGreaterThan(Date.now() - 5_000)
  })

  it('stamps the click with the server clock', async () => {
    const server = await startTestServer({ now: () => Date.parse('2031-05-06T07:08:09.010Z') })
    await server.click('DEMO')
    expect((await server.events('click'))[0].created_at).toBe('2031-05-06T07:08:09.010Z')
  })

  it('matches codes regardless of case and answers the partner code as the seed spells it', async () => {
    const server = await startTestServer()
    expect((await server.click('demo')).body).toMatchObject({ success: true, partner_code: 'DEMO' })
  })

  it('marks a test event', async () => {
    const server = await startTestServer()
    await server.click('P1', { additional_data: { test_mode: true, program_id: '1' } })
    expect((await server.events('click'))[0].test_mode).toBe(true)
  })

  it('answers the protocol messages for a missing, invalid or code-less affiliate_url and an unknown partner', async () => {
    const server = await startTestServer()
    const cases: [unknown, string][] = [
      [{}, 'affiliate_url is required'],
      [{ affiliate_url: '' }, 'affiliate_url is required'],
      [{ affiliate_url: null }, 'affiliate_url is required'],
      [{ affiliate_url: 42 }, 'affiliate_url must be a string'],
      [{ affiliate_url: 'not a url' }, 'Invalid affiliate_url'],
      [{ affiliate_url: 'javascript:alert(1)//?aff=P1' }, 'Invalid affiliate_url'],
      [{ affiliate_url: 'https://shop.example/?ref=P1' }, 'No aff parameter found in affiliate_url'],
      [{ affiliate_url: 'https://shop.example/?aff=' }, 'No aff parameter found in affiliate_url'],
      [{ affiliate_url: 'https://shop.example/?aff=NOPE' }, 'Referral link not found'],
      [{ affiliate_url: 'https://shop.example/?aff=P1', additional_data: { program_id: 99 } }, 'Referral link not found'],
    ]
    for (const [body, error] of cases) expect(await server.post('/api/v1/track/click', body), error).toMatchObject({ status: 400, body: { error } })
    expect(await server.events()).toEqual([])
  })

  it('names a field of the wrong type', async () => {
    const server = await startTestServer()
    const url = 'https://shop.example/?aff=P1'
    expect((await server.post('/api/v1/track/click', { affiliate_url: url, page_title: 5 })).body).toEqual({ error: 'page_title must be a string' })
    expect((await server.post('/api/v1/track/click', { affiliate_url: url, existing_click_id: {} })).body).toEqual({ error: 'existing_click_id must be a string' })
    expect((await server.post('/api/v1/track/click', { affiliate_url: url, additional_data: 'x' })).body).toEqual({ error: 'additional_data must be an object' })
    expect((await server.post('/api/v1/track/click', { affiliate_url: url, additional_data: { program_id: [] } })).body).toEqual({
      error: 'additional_data.program_id must be a string or a number',
    })
    expect((await server.post('/api/v1/track/click', { affiliate_url: url, event_id: 1 })).body).toEqual({ error: 'event_id must be a string' })
  })

  it('answers an inactive partner 200 with success false, recording nothing', async () => {
    const server = await startTestServer()
    expect(await server.click('INACTIVE')).toMatchObject({ status: 200, body: { success: false, message: 'Referral link is inactive' } })
    expect(await server.events()).toEqual([])
  })

  it('joins an existing click\'s visitor, so the new click is the one that wins', async () => {
    const server = await startTestServer()
    const first = (await server.click('P1')).body.click_id
    const second = (await server.click('P2', { existing_click_id: first })).body.click_id
    const unrelated = (await server.click('P3', { existing_click_id: 'clk_unknown' })).body.click_id
    const clicks = await server.events('click')
    expect(clicks.map((click) => click.click_id)).toEqual([first, second, unrelated])
    expect(clicks[1].visitor_id).toBe(clicks[0].visitor_id)
    expect(clicks[2].visitor_id).not.toBe(clicks[0].visitor_id)
  })

  it('finds the program by partner code, or by program_id when the code is in several programs', async () => {
    const server = await startTestServer({ seed: TWO_PROGRAMS })
    expect((await server.post('/api/v1/track/click', { affiliate_url: 'https://a.example/?aff=ONE' })).body).toMatchObject({ partner_code: 'ONE', cookie_window_days: 30 })
    // Program "two" reads its codes from ?ref=.
    expect((await server.post('/api/v1/track/click', { affiliate_url: 'https://a.example/?ref=TWO' })).body).toMatchObject({ partner_code: 'TWO', cookie_window_days: 60 })
    expect((await server.post('/api/v1/track/click', { affiliate_url: 'https://a.example/?aff=TWO' })).body).toEqual({ error: 'Referral link not found' })
    expect((await server.post('/api/v1/track/click', { affiliate_url: 'https://a.example/?x=1' })).body).toEqual({ error: 'No aff or ref parameter found in affiliate_url' })
    expect((await server.post('/api/v1/track/click', { affiliate_url: 'https://a.example/?aff=SHARED&ref=SHARED' })).body).toEqual({
      error: 'Partner code SHARED exists in several programs: send additional_data.program_id',
    })
    const chosen = await server.post('/api/v1/track/click', { affiliate_url: 'https://a.example/?ref=SHARED', additional_data: { program_id: 'two' } })
    expect(chosen.body).toMatchObject({ success: true, partner_code: 'SHARED' })
    expect((await server.events('click')).map((click) => click.program_id)).toEqual(['1', 'two', 'two'])
  })

  it('ties a late click to the leads that came first without one in the same session', async () => {
    const server = await startTestServer()
    await server.lead({ customer_key: 'early', session_id: 's1' })
    await server.lead({ customer_key: 'other_session', session_id: 's2' })
    const { click_id } = (await server.click('P1', { session_id: 's1' })).body
    const leads = await server.events('lead')
    expect(leads.map((lead) => [lead.customer_key, lead.click_id, lead.partner_code])).toEqual([
      ['early', click_id, 'P1'],
      ['other_session', null, null],
    ])
    expect((await server.sale({ transaction_id: 't1', amount_cents: 1_000, customer_key: 'early' })).body).toMatchObject({ attributed: true, partner_code: 'P1' })
    // A customer tied to a click keeps it: a later click of the session is the visitor's, not a new tie.
    await server.click('P2', { session_id: 's1' })
    expect((await server.events('lead'))[0].partner_code).toBe('P1')
  })

  it('answers a repeated event_id with the original answer and records nothing new', async () => {
    const server = await startTestServer()
    const first = await server.click('P1', { event_id: 'evt-1' })
    const again = await server.click('P1', { event_id: 'evt-1' })
    expect(again).toMatchObject({ status: 200, body: first.body })
    expect(await server.events('click')).toHaveLength(1)
    expect((await server.click('P1', { event_id: 'evt-2' })).body.click_id).not.toBe(first.body.click_id)
  })
})
