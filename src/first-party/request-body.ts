import { parseJsonObject } from '../json-object'
import { readCapped } from './read-capped'

/** The largest event body accepted, in bytes; a larger one is answered 413. The browser tracker's events are a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024

/** A request that cannot be forwarded: the status and `{"error": message}` to answer. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/**
 * The text of a request's body, at most {@link MAX_BODY_BYTES} bytes. Rejects with a 413
 * {@link RequestError} beyond, without reading further when `Content-Length` already says so,
 * and with a 400 for a body that is not UTF-8.
 */
export async function readBodyText(request: Request): Promise<string> {
  const tooLarge = () => new RequestError(413, `Request body too large: the limit is ${MAX_BODY_BYTES} bytes`)
  if (Number(request.headers.get('content-length')) > MAX_BODY_BYTES) throw tooLarge()
  const bytes = await readCapped(request.body, MAX_BODY_BYTES)
  if (!bytes) throw tooLarge()
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new RequestError(400, 'Request body is not UTF-8 text')
  }
}

/** Parses an event body, a JSON object as the tracking API takes it; throws the 400 to answer otherwise. */
export function parseEventBody(text: string): Record<string, unknown> {
  const parsed = parseJsonObject(text)
  if ('refusal' in parsed) throw new RequestError(400, parsed.refusal)
  return parsed.value
}
