/*
 * The request bodies the store keeps repeat the same strings over and over (a user agent, a
 * language, a time zone, a page title, a program id), and JSON.parse makes a new copy of each
 * for every request. Kept through one shared copy, a million stored events take a fraction of
 * the memory.
 */

/** Strings up to this length are shared; longer ones are rarely repeated. */
const MAX_LENGTH = 512
/** How many distinct strings are remembered; past it, new strings are kept as they come. */
const MAX_ENTRIES = 100_000

const shared = new Map<string, string>()

/** The shared copy of `value`: the first one seen, remembered while there is room. */
export function intern(value: string): string {
  if (value.length > MAX_LENGTH) return value
  const found = shared.get(value)
  if (found !== undefined) return found
  if (shared.size < MAX_ENTRIES) shared.set(value, value)
  return value
}

/**
 * `body` with its string values, and those of the objects and arrays in it two levels down,
 * replaced by their shared copies, in place. Returns `body`.
 */
export function internValues<T extends object>(body: T, depth = 2): T {
  const fields = body as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    if (typeof value == 'string') fields[key] = intern(value)
    else if (value && typeof value == 'object' && depth > 0) internValues(value, depth - 1)
  }
  return body
}

/**
 * A flat copy of `value`: a string built by concatenation is a tree of its parts in V8, which
 * takes twice the memory of the same characters in one piece.
 */
export const flat = (value: string): string => Buffer.from(value, 'latin1').toString('latin1')
