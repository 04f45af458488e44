/** A tracking API answer that is neither a success nor "already recorded": `status` and the parsed `body` say why. */
export class AffitorApiError extends Error {
  override name = 'AffitorApiError'
  /**
   * @param status HTTP status of the answer
   * @param body the answer's parsed JSON (`{ error: "…" }` per the protocol), or its text
   */
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const reason = (body as { error?: unknown; message?: unknown } | null)?.error ?? (body as { message?: unknown } | null)?.message
    super(`affitor API answered ${status}${reason ? ': ' + String(reason) : ''}`)
  }
}
