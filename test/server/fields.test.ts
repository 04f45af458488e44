// @vitest-environment node
import { describe, expect, it } from 'vitest'
import {
  optionalArray,
  optionalBoolean,
  optionalChoice,
  optionalInteger,
  optionalObject,
  optionalProgramId,
  optionalString,
  optionalStrings,
} from '../../src/server/fields'
import { HttpError } from '../../src/server/http'

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
    expect(refusal(() => optionalStrings({ click_ids: ['a', 1] }, 'click_ids'))).toBe('click_ids must be an array of strings')
    expect(refusal(() => optionalChoice({ sale_type: 'gift' }, 'sale_type', ['payment', 'subscription']))).toBe('sale_type must be one of payment, subscription')
    expect(refusal(() => optionalInteger({ n: 1.5 }, 'n', 0))).toBe('n must be an integer >= 0')
    expect(refusal(() => optionalInteger({ n: -1 }, 'n', 0))).toBe('n must be an integer >= 0')
    expect(refusal(() => optionalInteger({ n: '1' }, 'n', 0, 'custom'))).toBe('custom')
    expect(refusal(() => optionalProgramId({ program_id: true }, 'program_id'))).toBe('program_id must be a string or a number')
  })
})
