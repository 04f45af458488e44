import { badRequest } from './http'
import type { Body } from './records'

/*
 * Field readers for request bodies. Each throws a 400 naming the field when the value has the
 * wrong type. `null` counts as absent (many clients serialise missing values as null), and so
 * does an empty string for an optional string.
 */

/** A JSON object, as opposed to an array or `null`. */
export const isObject = (value: unknown): value is Body => typeof value == 'object' && value != null && !Array.isArray(value)

/** An optional string field. */
export function optionalString(body: Body, field: string, name = field): string | undefined {
  const value = body[field]
  if (value == null || value === '') return undefined
  if (typeof value != 'string') throw badRequest(`${name} must be a string`)
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

/** An optional array of strings. */
export function optionalStrings(body: Body, field: string): string[] | undefined {
  const value = optionalArray(body, field)
  if (value && !value.every((item) => typeof item == 'string')) throw badRequest(`${field} must be an array of strings`)
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
