/** Options for {@link createFirstPartyHandler}. */
export interface FirstPartyOptions {
  /**
   * Base URL of the tracking API the events are forwarded to, as
   * `${apiBase}/api/v1/track/click` and `${apiBase}/api/v1/track/lead`.
   * @default "https://api.affitor.com"
   * @example "http://localhost:4700"
   */
  apiBase?: string
  /**
   * The path prefix the handler answers under: the browser tracker's `apiBase`. Route only
   * this prefix to the handler; anything else it is given is answered 404.
   * @default "/_affitor"
   * @example "/t"
   */
  mount?: string
  /**
   * `Domain` of the cookies the handler sets, so that `www.` and `app.` share them. Without it,
   * a domain the client names (see {@link createFirstPartyHandler}) when the request's host
   * vouches for it, else the host's registrable domain by the public suffix list (where the
   * browser tracker writes its own copy), else none (host-only: localhost, an IP address).
   * An empty string is none.
   * @default undefined
   * @example "shop.com"
   */
  cookieDomain?: string
  /**
   * Name of the URL query parameter that carries the partner's code in `affiliate_url`. The
   * browser tracker sends it as `aff` whatever names its own `param` reads, so the default fits it;
   * set this only for another client that sends the code under another name.
   * @default "aff"
   * @example "ref"
   */
  param?: string
  /**
   * Milliseconds to wait for the tracking API before answering 502 (the browser tracker
   * keeps the event and sends it again later).
   * @default 10000
   */
  timeout?: number
  /**
   * The `fetch` that reaches the tracking API: a stand-in for tests, or one with a proxy agent.
   * @default globalThis.fetch
   */
  fetch?: (input: string, init: RequestInit) => Promise<Response>
}

/** Options after defaults are applied. */
export interface NormalizedFirstPartyOptions {
  /** Without a trailing slash. */
  apiBase: string
  /** Starts with `/`, without a trailing slash; `""` for the site's root. */
  mount: string
  /** Lower case, without a leading dot. */
  cookieDomain?: string
  param: string
  timeout: number
  fetch: (input: string, init: RequestInit) => Promise<Response>
}

/** The defaults every option falls back to; `fetch` falls back to the global `fetch` at call time. */
export const DEFAULTS = Object.freeze({
  apiBase: 'https://api.affitor.com',
  mount: '/_affitor',
  param: 'aff',
  timeout: 10_000,
})

/** A host name that may be a cookie's `Domain`: letters, digits and hyphens, in dot-separated labels. */
export const DOMAIN_PATTERN = /^[a-z\d](?:[a-z\d-]*[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]*[a-z\d])?)*$/

/**
 * Applies the defaults once (an option left out, `undefined` or `null` takes its default).
 * Throws a `TypeError` naming the option for a value of the wrong kind.
 */
export function normalizeFirstPartyOptions(options: FirstPartyOptions = {}): NormalizedFirstPartyOptions {
  const fail = (message: string): never => {
    throw new TypeError(`createFirstPartyHandler(): ${message}`)
  }
  if (typeof options != 'object' || !options) fail('options must be an object')
  const { apiBase = DEFAULTS.apiBase, mount = DEFAULTS.mount, cookieDomain, param = DEFAULTS.param, timeout = DEFAULTS.timeout, fetch } = withoutNulls(options)

  if (typeof apiBase != 'string' || !isHttpUrl(apiBase)) fail('apiBase must be an http(s) URL, such as "https://api.affitor.com"')
  if (typeof mount != 'string' || !/^\/[^?#]*$/.test(mount)) fail('mount must be a path starting with "/", such as "/_affitor"')
  if (typeof param != 'string' || !param) fail('param must be a non-empty string')
  if (typeof timeout != 'number' || !(timeout > 0) || !Number.isFinite(timeout)) fail('timeout must be a positive number of milliseconds')
  if (fetch !== undefined && typeof fetch != 'function') fail('fetch must be a function')
  // An empty value (an unset environment variable) means none, as in the browser tracker.
  const domain = typeof cookieDomain == 'string' ? cookieDomain.trim().toLowerCase().replace(/^\./, '') || undefined : cookieDomain
  if (domain !== undefined && (typeof domain != 'string' || !DOMAIN_PATTERN.test(domain))) fail('cookieDomain must be a domain name, such as "shop.com"')

  return {
    apiBase: apiBase.replace(/\/+$/, ''),
    mount: mount.replace(/\/+$/, ''),
    ...(domain && { cookieDomain: domain }),
    param,
    timeout,
    // Looked up at call time, so a fetch replaced later (a stub, a polyfill) is used; called on globalThis, as Workers require.
    fetch: fetch ?? ((input, init) => globalThis.fetch(input, init)),
  }
}

/** `options` without the entries that are `null` or `undefined`. */
function withoutNulls(options: FirstPartyOptions): FirstPartyOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value != null))
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol)
  } catch {
    return false
  }
}
