import { readPartnerCode } from '../partner-code'

/**
 * What of a URL the tracker may send: never the fragment (`#access_token=…` of an OAuth implicit
 * flow stays in the page, as browsers keep it out of requests too), and none of the query
 * parameters that carry secrets (`?code=…` of an OAuth redirect, `?token=…` of a magic link).
 */

/**
 * The query parameters removed from every URL sent, by name, in any case: OAuth and OpenID
 * Connect (`code`, `state`, the tokens), magic links and password resets (`token`, `token_hash`,
 * Firebase's `oobCode`), keys, signatures and one-time codes. Change it with the `redactParams` option.
 */
export const REDACTED_PARAMS = ['code', 'state', 'token', 'access_token', 'id_token', 'refresh_token', 'token_hash', 'oobcode', 'auth', 'key', 'api_key', 'secret', 'password', 'signature', 'sig', 'otp', 'jwt', 'ticket']

/**
 * `url` with the query parameters for which `drop(name)` holds taken out, the others kept exactly
 * as written (`URLSearchParams` would re-encode them: a space as "+", "/" as "%2F", a bare
 * "flag" as "flag=", which an app may read back from `location.search`). `drop` is given each
 * name decoded, as `URLSearchParams` reads it: `a%66f` is `aff`. Throws when `url` is not an
 * absolute URL.
 */
export function withoutParams(url: string, drop: (name: string) => unknown): URL {
  const clean = new URL(url)
  clean.search = clean.search
    .slice(1)
    .split('&')
    // An empty pair (`a=1&&b=2`, a trailing `&`) carries nothing, and goes too.
    .filter((pair) => pair && !drop(new URLSearchParams(pair).keys().next().value ?? ''))
    .join('&')
  return clean
}

/**
 * `url` as the tracker sends it: without its fragment and without the parameters named in
 * `names` (lower case; matched in any case). `''` when `url` is not an absolute URL (an empty referrer).
 * With the partner `code` of a landing, as the click's `affiliate_url`: carrying it as `aff=<code>`,
 * where the protocol's server reads it, when it came under another name (an alias, or a redacted `aff`).
 */
export function redactUrl(url: string, names: readonly string[], code?: string): string {
  try {
    const alias = code && (names.includes('aff') || readPartnerCode(url, ['aff']) != code)
    const clean = withoutParams(url, (name) => names.includes(name.toLowerCase()) || (alias && name == 'aff'))
    if (alias) clean.search += (clean.search ? '&aff=' : 'aff=') + code
    clean.hash = ''
    return clean.href
  } catch {
    return ''
  }
}

