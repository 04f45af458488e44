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
  // Counted on the text, which JSON.parse has just found valid: no walk of what it built.
  if (textDepth(text) > MAX_JSON_DEPTH) return { refusal: `Request body is nested too deeply (at most ${MAX_JSON_DEPTH} levels)` }
  return { value: parsed as Record<string, unknown> }
}

/** How many objects and arrays deep valid JSON `text` goes: its brackets outside strings. */
export function textDepth(text: string): number {
  let depth = 0
  let deepest = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code == 34) {
      // A string: to its closing quote, past escaped characters.
      for (i++; i < text.length; i++) {
        const inner = text.charCodeAt(i)
        if (inner == 92) i++
        else if (inner == 34) break
      }
    } else if (code == 123 || code == 91) {
      if (++depth > deepest) deepest = depth
    } else if (code == 125 || code == 93) depth--
  }
  return deepest
}
