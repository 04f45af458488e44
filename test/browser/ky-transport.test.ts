import ky from 'ky'
import { describe, expect, it, vi } from 'vitest'
import { createKyTransport } from '../../src/browser/ky-transport'

/** A ky instance whose fetch answers from `answers` in turn, counting the attempts. */
function scriptedKy(answers: Array<() => Response>) {
  const attempts: Request[] = []
  const instance = ky.create({
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      attempts.push(new Request(input, init))
      const next = answers[Math.min(attempts.length, answers.length) - 1]
      return next()
    },
  })
  return { instance, attempts }
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status })

describe('createKyTransport', () => {
  it('POSTs JSON and returns status and parsed answer', async () => {
    const { instance, attempts } = scriptedKy([json(200, { success: true, click_id: 'clk_1' })])
    const transport = createKyTransport({ ky: instance })
    await expect(transport.send('http://api.test/api/v1/track/click', { a: 1 })).resolves.toEqual({
      status: 200,
      data: { success: true, click_id: 'clk_1' },
    })
    expect(attempts).toHaveLength(1)
    expect(attempts[0].method).toBe('POST')
    expect(attempts[0].headers.get('content-type')).toMatch(/application\/json/)
    expect(await attempts[0].json()).toEqual({ a: 1 })
  })

  it('retries a 503 with backoff, then returns the success', async () => {
    const { instance, attempts } = scriptedKy([json(503, { error: 'busy' }), json(200, { success: true })])
    const beforeRetry = vi.fn()
    const transport = createKyTransport({ ky: instance, retry: 2, hooks: { beforeRetry: [beforeRetry] } })
    await expect(transport.send('http://api.test/x', {})).resolves.toEqual({ status: 200, data: { success: true } })
    expect(attempts).toHaveLength(2)
    expect(beforeRetry).toHaveBeenCalledTimes(1)
  })

  it('gives up after the retry limit and answers the last error status', async () => {
    const { instance, attempts } = scriptedKy([json(503, { error: 'down' })])
    const transport = createKyTransport({ ky: instance, retry: 1 })
    await expect(transport.send('http://api.test/x', {})).resolves.toEqual({ status: 503, data: { error: 'down' } })
    expect(attempts).toHaveLength(2)
  })

  it('retries a 500, 502 and 504 too: the event id keeps a repeat from counting twice', async () => {
    for (const status of [500, 502, 504]) {
      const { instance, attempts } = scriptedKy([json(status, { error: 'failed' }), json(200, { success: true })])
      const transport = createKyTransport({ ky: instance, retry: 2 })
      await expect(transport.send('http://api.test/x', { event_id: 'e1' })).resolves.toEqual({ status: 200, data: { success: true } })
      expect(attempts).toHaveLength(2)
    }
  })

  it('does not retry a 501: the endpoint will not change its mind', async () => {
    const { instance, attempts } = scriptedKy([json(501, { error: 'no' }), json(200, { success: true })])
    await expect(createKyTransport({ ky: instance }).send('http://api.test/x', {})).resolves.toEqual({ status: 501, data: { error: 'no' } })
    expect(attempts).toHaveLength(1)
  })

  it('does not retry a 4xx answer', async () => {
    const { instance, attempts } = scriptedKy([json(400, { error: 'Referral link not found' })])
    const transport = createKyTransport({ ky: instance })
    await expect(transport.send('http://api.test/x', {})).resolves.toEqual({
      status: 400,
      data: { error: 'Referral link not found' },
    })
    expect(attempts).toHaveLength(1)
  })

  it('rejects on a network failure once retries are spent', async () => {
    const { instance, attempts } = scriptedKy([
      () => {
        throw new TypeError('Failed to fetch')
      },
    ])
    const transport = createKyTransport({ ky: instance, retry: 1 })
    await expect(transport.send('http://api.test/x', {})).rejects.toThrow('Failed to fetch')
    expect(attempts).toHaveLength(2)
  })

  it('times out a hanging attempt', async () => {
    const instance = ky.create({
      fetch: (_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))),
    })
    const transport = createKyTransport({ ky: instance, timeout: 50, retry: 0 })
    await expect(transport.send('http://api.test/x', {})).rejects.toThrow(/timed out/i)
  })
})
