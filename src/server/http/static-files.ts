import { createReadStream, promises as fs } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'
import { HttpError } from './http'

/** Content types by file extension; anything else is `application/octet-stream`. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
})

/**
 * Serves a GET or HEAD request from the first of `mounts` (`[prefix, directory]`, longest
 * prefix first) whose prefix the path starts with. A directory serves its `index.html` (its
 * URL without the trailing slash redirects to it, so relative links resolve); dot files are
 * not served. Resolves `false` when no mount covers the path or the file does not exist,
 * and throws a 403 {@link HttpError} for a path that escapes its directory, by its name or by a
 * symbolic link.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, mounts: readonly [string, string][]): Promise<boolean> {
  if (req.method != 'GET' && req.method != 'HEAD') return false
  const path = url.pathname
  const mount = mounts.find(([prefix]) => path.startsWith(prefix) || path + '/' == prefix)
  if (!mount) return false
  const [prefix, root] = mount
  let relative: string
  try {
    relative = decodeURIComponent(path.slice(prefix.length))
  } catch {
    return false
  }
  // URL parsing already removed literal ../ segments; encoded ones (%2e%2e%2f) and backslashes remain.
  const file = resolve(root, '.' + sep + relative)
  if (relative.includes('\0') || (file != root && !file.startsWith(root.endsWith(sep) ? root : root + sep))) {
    throw new HttpError(403, `Forbidden: ${path} is outside the served directory`)
  }
  if (relative.split(/[\\/]/).some((segment) => segment.startsWith('.'))) return false
  let target = file
  let stats = await fs.stat(target).catch(() => undefined)
  if (stats && stats.isDirectory()) {
    if (!path.endsWith('/')) {
      res.writeHead(301, { location: path + '/' + url.search, 'content-length': '0' }).end()
      return true
    }
    target = join(target, 'index.html')
    stats = await fs.stat(target).catch(() => undefined)
  }
  if (!stats || !stats.isFile()) return false
  // A symbolic link inside the directory may point anywhere (/etc/passwd): what is served is the
  // real file, and it must be inside the directory's real path too.
  const [real, realRoot] = await Promise.all([fs.realpath(target), fs.realpath(root)])
  if (real != realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
    throw new HttpError(403, `Forbidden: ${path} is outside the served directory`)
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(target).toLowerCase()] || 'application/octet-stream',
    'content-length': String(stats.size),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  })
  if (req.method == 'HEAD') res.end()
  else await new Promise<void>((done, fail) => createReadStream(target).on('error', fail).on('end', done).pipe(res))
  return true
}
