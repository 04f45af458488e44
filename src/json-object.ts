/*
 * The rule for an event's JSON body, shared by the reference server and the first-party
 * endpoint: a JSON object, nested at most MAX_JSON_DEPTH deep. Each answers a refusal as its
 * own 400.
 */

/** The deepest nesting of objects and arrays a request body may have. */
export const MAX_JSON_DEPTH = 32

/**
 * Parses `text` as a JSON object. Answers it, or the reason to refuse it: the body is not
 * JSON, not an object, or nested deeper than {@link MAX_JSON_DEPTH} (stored bodies are copied
 * and written out later; one nested thousands deep would break that).
 */
export function parseJsonObject(text: string): { value: Record<string, unknown> } | { refusal: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { refusal: 'Invalid JSON body' }
  }
  if (typeof parsed != 'object' || !parsed || Array.isArray(parsed)) return { refusal: 'Request body must be a JSON object' }
  if (nestingDepth(parsed) > MAX_JSON_DEPTH) return { refusal: `Request body is nested too deeply (at most ${MAX_JSON_DEPTH} levels)` }
  return { value: parsed as Record<string, unknown> }
}

/** How many objects and arrays deep `value` goes, counted without recursion. */
export function nestingDepth(value: unknown): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[value, 1]]
  while (stack.length) {
    const [item, depth] = stack.pop()!
    if (typeof item != 'object' || !item) continue
    deepest = Math.max(deepest, depth)
    if (depth > MAX_JSON_DEPTH) break
    for (const child of Object.values(item)) stack.push([child, depth + 1])
  }
  return deepest
}
