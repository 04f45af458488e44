/**
 * Reads a body stream whole, up to `max` bytes: the bytes, `new Uint8Array()` for no body, or
 * `undefined` (the rest left unread, the stream cancelled) when it holds more. No Buffer: the
 * first-party handler runs on Workers, Deno and Bun as in Node.
 */
export async function readCapped(body: ReadableStream<Uint8Array> | null | undefined, max: number): Promise<Uint8Array | undefined> {
  if (!body) return new Uint8Array()
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      // Not awaited: a source that never settles its cancellation must not hold the answer.
      reader.cancel().catch(() => {})
      return undefined
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return bytes
}
