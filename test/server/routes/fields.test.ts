// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import {
  MAX_ID_LENGTH,
  MAX_TEXT_LENGTH,
  MAX_URL_LENGTH,
  maxLength,
  optionalArray,
  optionalBoolean,
  optionalChoice,
  optionalInteger,
  optionalObject,
  optionalProgramId,
  optionalString,
  optionalStrings,
} from '../../../src/server/routes/fields'
import { HttpError } from '../../../src/server/http/http'
import { AUTH, closeServers, startTestServer } from '../helpers/server'

/** The 400 message a reader throws, or undefined. */
function refusal(read: () => unknown): string | undefined {
  try {
    read()
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(400)
    return (error as Error).message
  }
}

describe('field readers', () => {
  it('read present values and treat null, undefined and an empty string as absent', () => {
    const body = { s: 'x', empty: '', nil: null, b: false, o: { a: 1 }, a: [1], ss: ['a'], n: 3, c: 'monthly', id: 12 }
    expect(optionalString(body, 's')).toBe('x')
    expect([optionalString(body, 'empty'), optionalString(body, 'nil'), optionalString(body, 'missing')]).toEqual([undefined, undefined, undefined])
    expect(optionalBoolean(body, 'b')).toBe(false)
    expect(optionalObject(body, 'o')).toEqual({ a: 1 })
    expect(optionalArray(body, 'a')).toEqual([1])
    expect(optionalStrings(body, 'ss')).toEqual(['a'])
    expect(optionalInteger(body, 'n', 0)).toBe(3)
    expect(optionalChoice(body, 'c', ['monthly', 'annual'])).toBe('monthly')
    expect(optionalProgramId(body, 'id')).toBe('12')
    expect(optionalProgramId({ id: ' 12 ' }, 'id')).toBe('12')
    expect([optionalBoolean(body, 'nil'), optionalObject(body, 'nil'), optionalInteger(body, 'nil', 0), optionalProgramId(body, 'nil')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })

  it('refuse a value of the wrong type with a 400 naming the field', () => {
    expect(refusal(() => optionalString({ customer_key: 42 }, 'customer_key'))).toBe('customer_key must be a string')
    expect(refusal(() => optionalString({ x: {} }, 'x', 'additional_data.x'))).toBe('additional_data.x must be a string')
    expect(refusal(() => optionalBoolean({ is_recurring: 'yes' }, 'is_recurring'))).toBe('is_recurring must be a boolean')
    expect(refusal(() => optionalObject({ additional_data: [] }, 'additional_data'))).toBe('additional_data must be an object')
    expect(refusal(() => optionalArray({ line_items: {} }, 'line_items'))).toBe('line_items must be an array')
    expect(refusal(() => optionalStrings({ click_ids: ['a', 1] }, 'click_ids'))).toBe('click_ids must be an array of strings of at most 256 characters')
    expect(refusal(() => optionalChoice({ sale_type: 'gift' }, 'sale_type', ['payment', 'subscription']))).toBe('sale_type must be one of payment, subscription')
    expect(refusal(() => optionalInteger({ n: 1.5 }, 'n', 0))).toBe('n must be an integer >= 0')
    expect(refusal(() => optionalInteger({ n: -1 }, 'n', 0))).toBe('n must be an integer >= 0')
    expect(refusal(() => optionalInteger({ n: '1' }, 'n', 0, 'custom'))).toBe('custom')
    expect(refusal(() => optionalProgramId({ program_id: true }, 'program_id'))).toBe('program_id must be a string or a number')
  })
})

describe('lengths', () => {
  afterEach(closeServers)

  it('caps ids at 256 characters, URLs at 8192 and other text at 1024, naming the field', () => {
    expect(maxLength('customer_key')).toBe(MAX_ID_LENGTH)
    expect(maxLength('affiliate_url')).toBe(MAX_URL_LENGTH)
    expect(maxLength('page_title')).toBe(MAX_TEXT_LENGTH)
    expect(optionalString({ customer_key: 'k'.repeat(256) }, 'customer_key')).toHaveLength(256)
    expect(refusal(() => optionalString({ customer_key: 'k'.repeat(257) }, 'customer_key'))).toBe('customer_key must be at most 256 characters')
    expect(refusal(() => optionalStrings({ click_ids: Array(51).fill('c') }, 'click_ids'))).toBe('click_ids must hold at most 50 items')
  })

  it('refuses over-long fields on every route and stores nothing', async () => {
    const server = await startTestServer()
    const long = (n: number) => 'x'.repeat(n)
    expect((await server.click('P1', { affiliate_url: 'https://shop.example/?aff=P1&q=' + long(8200) })).body).toEqual({ error: 'affiliate_url must be at most 8192 characters' })
    expect((await server.click('P1', { page_title: long(1025) })).body).toEqual({ error: 'page_title must be at most 1024 characters' })
    expect((await server.lead({ customer_key: long(257) })).body).toEqual({ error: 'customer_key must be at most 256 characters' })
    expect((await server.sale({ transaction_id: long(257), amount_cents: 100 })).body).toEqual({ error: 'transaction_id must be at most 256 characters' })
    expect((await server.post('/api/v1/track/refund', { transaction_id: long(257) }, AUTH)).body).toEqual({ error: 'transaction_id must be at most 256 characters' })
    expect(await server.events()).toEqual([])
    // A long but reasonable landing URL is a click like any other.
    expect((await server.click('P1', { affiliate_url: 'https://shop.example/?aff=P1&utm_content=' + long(3000) })).status).toBe(200)
  })
})
