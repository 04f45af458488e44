import { badRequest } from '../http/http'
import type { Body } from '../store/records'
import { MAX_ID_LENGTH, maxLength } from '../../field-limits'

/*
 * Field readers for request bodies. Each throws a 400 naming the field when the value has the
 * wrong type. `null` counts as absent (many clients serialise missing values as null), and so
 * does an empty string for an optional string.
 */

/** A JSON object, as opposed to an array or `null`. */
export const isObject = (value: unknown): value is Body => typeof value == 'object' && value != null && !Array.isArray(value)

export { MAX_ID_LENGTH, MAX_TEXT_LENGTH, MAX_URL_LENGTH, maxLength } from '../../field-limits'

/** An optional string field, no longer than {@link maxLength} allows for it. */
export function optionalString(body: Body, field: string, name = field): string | undefined {
  const value = body[field]
  if (value == null || value === '') return undefined
  if (typeof value != 'string') throw badRequest(`${name} must be a string`)
  if (value.length > maxLength(field)) throw badRequest(`${name} must be at most ${maxLength(field)} characters`)
  return value
}

/** An optional boolean field. */
export function optionalBoolean(body: Body, field: string): boolean | undefined {
  const value = body[field]
  if (value == null) return undefined
  if (typeof value != 'boolean') throw badRequest(`${field} must be a boolean`)
  return value
}

/** An optional JSON object field. */
export function optionalObject(body: Body, field: string): Body | undefined {
  const value = body[field]
  if (value == null) return undefined
  if (!isObject(value)) throw badRequest(`${field} must be an object`)
  return value
}

/** An optional array field. */
export function optionalArray(body: Body, field: string): unknown[] | undefined {
  const value = body[field]
  if (value == null) return undefined
  if (!Array.isArray(value)) throw badRequest(`${field} must be an array`)
  return value
}

/** The most items a list of ids (such as `click_ids`) may hold. */
export const MAX_LIST_ITEMS = 50

/** An optional array of strings: at most {@link MAX_LIST_ITEMS}, each an id-sized string. */
export function optionalStrings(body: Body, field: string): string[] | undefined {
  const value = optionalArray(body, field)
  if (value && !value.every((item) => typeof item == 'string' && item.length <= MAX_ID_LENGTH)) {
    throw badRequest(`${field} must be an array of strings of at most ${MAX_ID_LENGTH} characters`)
  }
  if (value && value.length > MAX_LIST_ITEMS) throw badRequest(`${field} must hold at most ${MAX_LIST_ITEMS} items`)
  return value as string[] | undefined
}

/** An optional string field restricted to `choices`. */
export function optionalChoice<T extends string>(body: Body, field: string, choices: readonly T[]): T | undefined {
  const value = optionalString(body, field)
  if (value !== undefined && !choices.includes(value as T)) throw badRequest(`${field} must be one of ${choices.join(', ')}`)
  return value as T | undefined
}

/** An optional integer field of at least `min`. */
export function optionalInteger(body: Body, field: string, min: number, message = `${field} must be an integer >= ${min}`): number | undefined {
  const value = body[field]
  if (value == null) return undefined
  if (typeof value != 'number' || !Number.isSafeInteger(value) || value < min) throw badRequest(message)
  return value
}

/** An optional program id: a string or a number, read as a string. */
export function optionalProgramId(body: Body, field: string, name = field): string | undefined {
  const value = body[field]
  if (value == null || value === '') return undefined
  if (typeof value == 'number' && Number.isFinite(value)) return String(value)
  if (typeof value != 'string') throw badRequest(`${name} must be a string or a number`)
  return value.trim()
}

/** The `transaction_id` that sales and refunds require: a non-blank, id-sized string. */
export function requiredTransactionId(body: Body): string {
  const value = body.transaction_id
  if (typeof value != 'string' || !value.trim()) throw badRequest('transaction_id is required and must be a string')
  return optionalString(body, 'transaction_id')!
}
