// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES, parseEventBody, readBodyText, RequestError } from '../../src/first-party/request-body'

const request = (body: BodyInit | null, headers: Record<string, string> = {}) => new Request('https://www.shop.example/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit)

describe('readBodyText', () => {
  it('reads UTF-8 text, and an empty body as ""', async () => {
    expect(await readBodyText(request('{"title":"Café"}'))).toBe('{"title":"Café"}')
    expect(await readBodyText(request(null))).toBe('')
  })

  it('counts bytes, not characters', async () => {
    const text = 'é'.repeat(MAX_BODY_BYTES / 2)
    expect(await readBodyText(request(text))).toBe(text)
    await expect(readBodyText(request(text + 'x'))).rejects.toMatchObject({ status: 413 })
  })

  it('refuses a Content-Length beyond the limit without reading', async () => {
    const large = request('{}', { 'content-length': String(MAX_BODY_BYTES + 1) })
    await expect(readBodyText(large)).rejects.toMatchObject({ status: 413 })
    expect(large.bodyUsed).toBe(false)
  })

  it('stops reading a stream at the limit', async () => {
    let sent = 0
    let cancelled = false
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 16_384
        controller.enqueue(new Uint8Array(16_384))
      },
      cancel() {
        cancelled = true
      },
    })
    const error = await readBodyText(request(stream)).catch((caught) => caught)
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ status: 413, message: 'Request body too large: the limit is 65536 bytes' })
    expect(cancelled).toBe(true)
    expect(sent).toBeLessThan(MAX_BODY_BYTES * 2)
  })

  it('refuses a body that is not UTF-8 with a 400', async () => {
    await expect(readBodyText(request(new Uint8Array([0xc3, 0x28])))).rejects.toMatchObject({ status: 400 })
  })
})

describe('parseEventBody', () => {
  it('answers a JSON object', () => {
    expect(parseEventBody('{"customer_key":"u1","n":[1]}')).toEqual({ customer_key: 'u1', n: [1] })
  })

  it.each([
    ['', 'Invalid JSON body'],
    ['{', 'Invalid JSON body'],
    ['[]', 'Request body must be a JSON object'],
    ['1', 'Request body must be a JSON object'],
    ['null', 'Request body must be a JSON object'],
    ['{"a":' + '['.repeat(40) + ']'.repeat(40) + '}', 'Request body is nested too deeply (at most 32 levels)'],
  ])('refuses %j with a 400', (text, message) => {
    expect(() => parseEventBody(text)).toThrow(expect.objectContaining({ status: 400, message }))
  })
})
