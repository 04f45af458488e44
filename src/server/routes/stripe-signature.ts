import { createHmac, timingSafeEqual } from 'node:crypto'

/** How old (or how far ahead) a signature's timestamp may be, in seconds: Stripe's default. */
export const SIGNATURE_TOLERANCE_SECONDS = 300

/** Why a `Stripe-Signature` header was refused; the message says what to fix. */
export class SignatureError extends Error {}

/**
 * Verifies a `Stripe-Signature` header (`t=<unix seconds>,v1=<hex>[,v1=<hex>…]`) as Stripe
 * documents it: HMAC-SHA256 of `<t>.<raw body>` keyed with the endpoint secret, compared in
 * constant time with every `v1` value, and a timestamp within the tolerance of `nowMs`.
 * Answers the secret that matched; throws a {@link SignatureError} otherwise.
 */
export function verifyStripeSignature(
  payload: Buffer | string,
  header: string | undefined,
  secrets: readonly string[],
  nowMs: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): string {
  if (!header) throw new SignatureError('Missing Stripe-Signature header')
  let timestamp = NaN
  const signatures: Buffer[] = []
  for (const part of header.split(',')) {
    const at = part.indexOf('=')
    const key = part.slice(0, at).trim()
    const value = part.slice(at + 1).trim()
    if (key == 't' && /^\d+$/.test(value)) timestamp = Number(value)
    // Only the v1 scheme counts: v0 and others are test or legacy signatures.
    else if (key == 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'))
  }
  if (Number.isNaN(timestamp) || !signatures.length) {
    throw new SignatureError('Malformed Stripe-Signature header: expected t=<timestamp>,v1=<signature>')
  }
  const secret = secrets.find((candidate) => {
    const expected = createHmac('sha256', candidate).update(`${timestamp}.`).update(payload).digest()
    return signatures.some((signature) => timingSafeEqual(signature, expected))
  })
  if (secret === undefined) throw new SignatureError('No signatures found matching the expected signature for payload: check the webhook secret and pass the raw body')
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) {
    throw new SignatureError(`Stripe-Signature timestamp is outside the tolerance of ${toleranceSeconds} seconds`)
  }
  return secret
}
