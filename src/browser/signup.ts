/** Longest `customerKey` or email accepted, in characters. */
export const MAX_KEY_LENGTH = 256

// Deliberately loose: catches typos and wrong arguments, leaves real validation to the site.
const EMAIL = /^\S+@\S+\.\S+$/

const invalid = (value: unknown) => typeof value != 'string' || value.length > MAX_KEY_LENGTH

/** Why `signup()` refuses its arguments, or `undefined` when they are fine. */
export function signupError(customerKey: unknown, email: unknown): string | undefined {
  if (invalid(customerKey) || !(customerKey as string).trim()) return 'invalid customerKey'
  if (email != null && email !== '' && (invalid(email) || !EMAIL.test(email as string))) return 'invalid email'
}

/**
 * A short, non-reversible tag for a customer key (a 32-bit string hash), so the browser can
 * remember which leads it delivered without keeping the keys themselves in a cookie.
 */
export function keyTag(customerKey: string): string {
  let hash = 0
  // Stays an exact 32-bit integer: |0 wraps it after each step.
  for (const char of customerKey) hash = (hash * 31 + char.charCodeAt(0)) | 0
  return hash.toString(36)
}
