import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseJsonObject as parseObject } from '../../json-object'
import type { Clock } from '../config/clock'
import type { NormalizedServerOptions } from '../config/options'
import type { Body } from '../store/records'
import type { Program } from '../config/seed'
import type { ReferenceStore } from '../store/store'

/** An answer that ends a request early: its status and `{"error": message}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

/** A 400 answer. */
export const badRequest = (message: string): HttpError => new HttpError(400, message)

/** What a route answers: a status and a JSON body. */
export interface Reply {
  status: number
  body: unknown
  headers?: Record<string, string>
}

/** What a route gets to work with for one request. */
export interface Context {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  store: ReferenceStore
  clock: Clock
  options: NormalizedServerOptions
  /** The program the request turned out to be for; CORS headers depend on it. */
  program?: Program
  /** The raw body, at most `maxBodyBytes` (413 beyond). */
  body(): Promise<Buffer>
  /** The body parsed as a JSON object (400 otherwise). */
  json(): Promise<Body>
}

/**
 * A route: answers with a {@link Reply}, or writes the response itself and answers nothing.
 * Throws an {@link HttpError} to answer an error.
 */
export type Route = (ctx: Context) => Reply | void | Promise<Reply | void>

/**
 * Reads a request body, answering 413 past `limit` bytes. The rest of an oversized body is
 * read and dropped rather than left unread: a client still sending would otherwise see the
 * connection reset instead of the 413. Past 16 times the limit the connection is cut.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const tooLarge = () => new HttpError(413, `Request body too large: the limit is ${limit} bytes`, { connection: 'close' })
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
      else if (size > 16 * limit) req.destroy(tooLarge())
    })
    req.on('end', () => (size > limit ? reject(tooLarge()) : resolve(Buffer.concat(chunks))))
    // The client went away mid-body (or was disconnected for taking too long): its own doing, no server error.
    req.on('error', (error) => reject(error instanceof HttpError ? error : new HttpError(400, `Request body not received: ${error.message}`, { connection: 'close' })))
  })
}

/** Parses a body as a JSON object, or throws the 400 the protocol's clients expect. */
export function parseJsonObject(body: Buffer): Body {
  const parsed = parseObject(body.toString('utf8'))
  if ('refusal' in parsed) throw badRequest(parsed.refusal)
  return parsed.value as Body
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(json)),
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(json)
}

/** The key of an `Authorization: Bearer <key>` header, `undefined` without the header, `''` when malformed. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  if (header == null) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match ? match[1] : ''
}

/**
 * The program whose API key the request carries, or a 401. A request from a web page (one
 * with an `Origin` or `Sec-Fetch-Site` header) is refused with a 403 first: the API key is a
 * backend secret, and a page that holds it has leaked it.
 */
export function requireApiKey(ctx: Context): Program {
  const { origin, 'sec-fetch-site': site } = ctx.req.headers
  if (origin || (site && site != 'none')) throw new HttpError(403, 'This API takes server-to-server calls only: call it from your backend, never from a browser')
  const program = ctx.store.programByApiKey(bearerToken(ctx.req) || '\0')
  if (!program) throw new HttpError(401, 'Invalid or missing API key')
  return program
}
