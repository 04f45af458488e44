import type { IncomingMessage, ServerResponse } from 'node:http'

/** The reference server's icon: a link mark on the live page's blue. */
const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2563eb"/><path d="M13 19l6-6M11 15l-2 2a4 4 0 0 0 6 6l2-2M21 17l2-2a4 4 0 0 0-6-6l-2 2" stroke="#fff" stroke-width="2.5" fill="none" stroke-linecap="round"/></svg>'

/**
 * Answers a browser's `/favicon.ico` request, which every page view makes, with the server's
 * icon when the static files hold none: no 404 in the console of the live page or the examples.
 * Returns whether it answered.
 */
export function serveFavicon(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (pathname != '/favicon.ico' || (req.method != 'GET' && req.method != 'HEAD')) return false
  res.writeHead(200, { 'content-type': 'image/svg+xml', 'content-length': Buffer.byteLength(ICON), 'cache-control': 'public, max-age=86400' })
  res.end(req.method == 'HEAD' ? undefined : ICON)
  return true
}
