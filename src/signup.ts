/** Longest `customerKey` or email accepted, in characters. */
export const MAX_KEY_LENGTH = 256

// Deliberately loose: catches typos and wrong arguments, leaves real validation to the site.
const EMAIL = /^\S+@\S+\.\S+$/

const invalid = (value: unknown) => typeof value != 'string' || value.length > MAX_KEY_LENGTH

/** Why `signup()` refuses its arguments, or `undefined` when they are fine. */
export function signupError(customerKey: unknown, email: unknown): string | undefined {
  if (invalid(customerKey) || !(customerKey as string).trim()) return 'customerKey must be a non-empty string, at most 256 characters'
  if (email && (invalid(email) || !EMAIL.test(email as string))) return 'invalid email'
}
