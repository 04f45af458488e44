/**
 * Who may reach the server at all, and who may reach its inspection routes: the `Host` header
 * against an allowlist (a page of another site whose name resolves to this machine, by DNS
 * rebinding, is refused), and the inspection routes for this machine only unless a token opens them.
 */
import type { IncomingMessage } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import { originAllowed } from './cors'
import { bearerToken } from './http'
import type { NormalizedServerOptions } from '../config/options'

/** Whether `address` (a socket's remote address) is this machine. */
export const isLoopback = (address: string | undefined): boolean => !!address && (/^(::ffff:)?127\./.test(address) || address == '::1')

/**
 * Whether a request's `Host` header names this server: a loopback name, the `host` it listens on,
 * a host of the seed's `allowed_origins` (the program's own sites, which may proxy to it), or one
 * of `allowedHosts`. A request without one (HTTP/1.0) is no browser's, and is let through.
 */
export function hostChecker(opts: Pick<NormalizedServerOptions, 'allowedHosts' | 'host' | 'programs'>): (header: string | undefined) => boolean {
  const { allowedHosts } = opts
  if (allowedHosts === true) return () => true
  const names = new Set(['localhost', '127.0.0.1', '[::1]', opts.host.toLowerCase(), ...allowedHosts])
  const domains = allowedHosts.filter((name) => name.startsWith('.'))
  // `*` lets every origin call the API; it names no host.
  const origins = opts.programs.flatMap((program) => program.allowed_origins).filter((pattern) => pattern != '*')
  return (header) => {
    if (header === undefined) return true
    const host = header.toLowerCase()
    const name = host.replace(/:\d*$/, '')
    return (
      names.has(name) ||
      name.endsWith('.localhost') ||
      /^127(\.\d{1,3}){3}$/.test(name) ||
      domains.some((domain) => name.endsWith(domain) || name == domain.slice(1)) ||
      originAllowed(origins, 'http://' + host) ||
      originAllowed(origins, 'https://' + host)
    )
  }
}

/**
 * Whether a request may use the inspection routes: from this machine, or carrying
 * `inspectionToken` as `Authorization: Bearer <token>` or `?token=`.
 */
export function inspectionAllowed(req: IncomingMessage, url: URL, token: string | undefined): boolean {
  if (isLoopback(req.socket.remoteAddress)) return true
  const given = bearerToken(req) ?? url.searchParams.get('token')
  return !!token && !!given && given.length == token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token))
}
