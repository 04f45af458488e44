/*
 * The partner-code rule, shared by the browser tracker and the first-party endpoint: both read the
 * code from a landing URL the same way.
 */

/** A partner code: 1 to 64 of `A-Z a-z 0-9 _ . ~ -`. */
const PARTNER_CODE = /^[\w.~-]{1,64}$/

/**
 * The partner code in the `param` query parameter of an absolute `url`, decoded once and
 * trimmed, or `null` when it is absent, longer than 64 characters, or holds other characters
 * than `A-Z a-z 0-9 _ . ~ -`. Throws only when `url` is not an absolute URL.
 */
export function readPartnerCode(url: string, param: string): string | null {
  const code = (new URL(url).searchParams.get(param) || '').trim()
  return PARTNER_CODE.test(code) ? code : null
}
