import { HttpError, type Context } from './http'
import type { Program } from '../config/seed'

const compiled = new Map<string, RegExp>()

function patternRegExp(pattern: string): RegExp {
  let regExp = compiled.get(pattern)
  if (!regExp) {
    const source = pattern
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      // A browser leaves the default port out of Origin, so ":*" matches no port too.
      .replace(/:\*$/, '(?::\\d{1,5})?')
      .replace(/\*/g, '[\\w-]+(?:\\.[\\w-]+)*')
    compiled.set(pattern, (regExp = new RegExp(`^${source}$`, 'i')))
  }
  return regExp
}

/** Whether `origin` (an `Origin` header) matches one of a program's `allowed_origins`. */
export function originAllowed(patterns: readonly string[], origin: string): boolean {
  return patterns.some((pattern) => pattern == '*' || pattern.toLowerCase() == origin.toLowerCase() || (pattern.includes('*') && patternRegExp(pattern).test(origin)))
}

/**
 * The CORS headers of a click or lead answer. `Vary: Origin` always, since the answer depends
 * on it; `Access-Control-Allow-Origin` only for an allowed origin, echoed rather than `*`.
 */
export function corsHeaders(origin: string | undefined, allowed: boolean): Record<string, string> {
  return origin && allowed ? { vary: 'Origin', 'access-control-allow-origin': origin } : { vary: 'Origin' }
}

/** The extra headers of a successful preflight answer. */
export const PREFLIGHT_HEADERS = Object.freeze({
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
})

/**
 * Refuses a browser request from an origin `program` does not allow, with a 403 that carries
 * no CORS headers. Requests without `Origin` (backends, curl) pass.
 */
export function requireAllowedOrigin(ctx: Context, program: Program): void {
  const origin = ctx.req.headers.origin
  if (origin && !originAllowed(program.allowed_origins, origin)) {
    throw new HttpError(403, `Origin ${origin} is not allowed for program ${program.id}: add it to the program's allowed_origins`)
  }
}
