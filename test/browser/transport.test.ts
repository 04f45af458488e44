import { describe, expect, it, vi } from 'vitest'
import { fetchTransport } from '../../src/browser/transport'

describe('fetchTransport', () => {
  it('POSTs the event as JSON with keepalive and returns status and parsed answer', async () => {
    const fetch = vi.fn(async () => new Response('{"success":true,"click_id":"clk_1"}', { status: 200 }))
    vi.stubGlobal('fetch', fetch)
    const answer = await fetchTransport.send('http://api.test/api/v1/track/click', { affiliate_url: 'x' })
    expect(answer).toEqual({ status: 200, data: { success: true, click_id: 'clk_1' } })
    expect(fetch).toHaveBeenCalledWith('http://api.test/api/v1/track/click', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"affiliate_url":"x"}',
      keepalive: true,
    })
  })

  it('answers an HTTP error status instead of throwing', async () => {
    vi.stubGlobal('fetch', async () => new Response('{"error":"Referral link not found"}', { status: 400 }))
    await expect(fetchTransport.send('http://api.test/x', {})).resolves.toEqual({
      status: 400,
      data: { error: 'Referral link not found' },
    })
  })

  it('leaves data undefined when the answer is not JSON', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>Bad gateway</html>', { status: 502 }))
    await expect(fetchTransport.send('http://api.test/x', {})).resolves.toEqual({ status: 502, data: undefined })
  })

  it('rejects on a network failure, for the tracker to report', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    await expect(fetchTransport.send('http://api.test/x', {})).rejects.toThrow('Failed to fetch')
  })

  it('rejects without fetch, so the event stays queued', async () => {
    vi.stubGlobal('fetch', undefined)
    await expect(fetchTransport.send('http://api.test/lead', {})).rejects.toThrow()
  })
})
