import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { FirstPartyHandler } from './handler'
import { routeOf } from './routes'

/** A request handler for Node's `http` server, Express and Connect. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void

/** What Express and its body parsers add to a Node request. */
interface ExpressRequest extends IncomingMessage {
  /** The path before a router stripped its mount: `app.use('/_affitor', …)` leaves only the rest in `url`. */
  originalUrl?: string
  /** Set by `express.json()` and the like, which have then read the body. */
  body?: unknown
}

/**
 * Adapts a {@link FirstPartyHandler} to Node's `http` server, Express and Connect. The request
 * is handed over with its method, its full URL (from `Host`, and `X-Forwarded-Proto` when a
 * proxy in front ends TLS), its headers and its body as a stream, or as JSON text when a body
 * parser has already read it (`req.body`). When the request has neither `X-Forwarded-For` nor
 * `X-Real-IP`, the socket's address is passed as `X-Forwarded-For`: the visitor's, with no
 * proxy in between. Every `Set-Cookie` of the answer is written as its own header.
 *
 * Given `next` (Express, Connect), a path outside the handler's mount goes on to the next
 * middleware, and an error to `next(error)`; without it they are answered 404 and 500 JSON.
 * Throws a `TypeError` when `handler` is not one made by `createFirstPartyHandler`.
 *
 * @example
 * import express from 'express'
 * import { createFirstPartyHandler, toNodeHandler } from 'affitor-tracker/first-party'
 * const app = express()
 * app.use(toNodeHandler(createFirstPartyHandler()))
 * @example
 * http.createServer(toNodeHandler(createFirstPartyHandler({ mount: '/' }))).listen(8080)
 */
export function toNodeHandler(handler: FirstPartyHandler): NodeHandler {
  if (typeof handler != 'function' || typeof handler.mount != 'string') throw new TypeError('toNodeHandler(): handler must be one returned by createFirstPartyHandler()')
  return (req, res, next) => {
    void serve(handler, req, res, next)
  }
}

async function serve(handler: FirstPartyHandler, req: ExpressRequest, res: ServerResponse, next?: (error?: unknown) => void): Promise<void> {
  try {
    let url: URL
    try {
      url = requestUrl(req)
    } catch {
      return sendJson(res, 400, { error: 'Invalid Host header or request path' })
    }
    if (next && routeOf(url.pathname, handler.mount) == 'outside') return next()
    await writeResponse(res, await handler(toRequest(req, url)))
  } catch (error) {
    if (next) next(error)
    else if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' })
    else res.destroy()
  }
}

/** A `Host` header: a name or an address in brackets, and an optional port. */
const HOST = /^(?:[\w.-]+|\[[\da-f:.]+\])(?::\d{1,5})?$/i

/** The request's full URL: `https` when the socket is TLS or the first `X-Forwarded-Proto` says so. Throws for a malformed `Host`. */
function requestUrl(req: ExpressRequest): URL {
  const forwarded = String(req.headers['x-forwarded-proto'] || '').split(',')[0].trim().toLowerCase()
  const protocol = forwarded == 'https' || forwarded == 'http' ? forwarded : (req.socket as TLSSocket).encrypted ? 'https' : 'http'
  const host = req.headers.host || String(req.headers[':authority'] || '') || 'localhost'
  if (!HOST.test(host)) throw new TypeError(`Invalid Host header: ${host}`)
  const path = req.originalUrl ?? req.url ?? '/'
  // After the host, even a path such as `//other.example/x` stays a path.
  return new URL(`${protocol}://${host}${path.startsWith('/') ? path : '/' + path}`)
}

function toRequest(req: ExpressRequest, url: URL): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2 pseudo-headers (`:path`) are no header names to a Fetch API `Headers`.
    if (name.startsWith(':') || value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
  }
  // The peer's address goes last, as a proxy appends it: what the client wrote before it is only its claim.
  if (req.socket.remoteAddress) headers.set('x-forwarded-for', [headers.get('x-forwarded-for'), headers.get('x-real-ip'), req.socket.remoteAddress].filter(Boolean).join(', '))
  headers.delete('x-real-ip')

  const method = req.method || 'GET'
  let body: BodyInit | undefined
  if (method != 'GET' && method != 'HEAD') {
    if (!req.readableEnded) body = bodyStream(req)
    else {
      // A body parser read the stream: its result stands for the body, whose length is no longer the header's.
      const parsed = req.body
      body = parsed === undefined ? '' : typeof parsed == 'string' ? parsed : parsed instanceof Uint8Array ? new Uint8Array(parsed) : JSON.stringify(parsed)
      headers.delete('content-length')
      headers.delete('transfer-encoding')
    }
  }
  // `duplex` is required by Node's fetch for a streamed body; the DOM types do not know it yet.
  return new Request(url, { method, headers, body, duplex: 'half' } as RequestInit)
}

/**
 * The body of a Node request as a Web stream, read as the handler asks for it. Cancelled (a
 * body too large), it stops reading and leaves the rest to Node, which discards it once the
 * answer is sent: destroying the request would reset the connection before the client reads
 * the 413.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let finished = false
  const onData = (chunk: Buffer) => {
    controller.enqueue(new Uint8Array(chunk))
    if ((controller.desiredSize ?? 0) <= 0) req.pause()
  }
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
      req.on('data', onData)
      req.once('end', () => {
        if (!finished) controller.close()
        finished = true
      })
      req.once('error', (error) => {
        if (!finished) controller.error(error)
        finished = true
      })
      // A client gone mid-body may close the request without an error: the handler must not wait forever.
      req.once('close', () => {
        if (!finished) controller.error(new Error('The request closed before its body ended'))
        finished = true
      })
    },
    pull() {
      req.resume()
    },
    cancel() {
      finished = true
      req.off('data', onData)
      req.resume()
    },
  })
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer())
  res.statusCode = response.status
  response.headers.forEach((value, name) => {
    if (name != 'set-cookie') res.setHeader(name, value)
  })
  // `Headers` joins other repeated headers with commas, which would break cookies apart.
  const cookies = response.headers.getSetCookie()
  if (cookies.length) res.setHeader('set-cookie', cookies)
  res.setHeader('content-length', body.length)
  res.end(body)
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), 'cache-control': 'no-store' }).end(json)
}
