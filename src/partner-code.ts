/*
 * The partner-code rule, shared by the browser tracker and the first-party endpoint: both read the
 * code from a landing URL the same way.
 */

/** A partner code: 1 to 64 of `A-Z a-z 0-9 _ . ~ -`. */
export const PARTNER_CODE = /^[\w.~-]{1,64}$/

/**
 * The partner code in the `param` query parameters of an absolute `url`, decoded once and
 * trimmed, or `null` when it is absent, longer than 64 characters, or holds other characters
 * than `A-Z a-z 0-9 _ . ~ -`. Of several names, the first that holds a code. Throws only
 * when `url` is not an absolute URL.
 */
export function readPartnerCode(url: string, param: readonly string[]): string | null {
  const query = new URL(url).searchParams
  return param.map((name) => (query.get(name) || '').trim()).find((code) => PARTNER_CODE.test(code)) || null
}
