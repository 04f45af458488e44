// @vitest-environment node
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { SignatureError, verifyStripeSignature } from '../../../src/server/routes/stripe-signature'

const secret = 'whsec_test_secret'
const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'charge.refunded', data: { object: { id: 'ch_1' } } })
const now = Date.parse('2030-01-01T00:00:00Z')
const seconds = now / 1000
const sign = (options: { payload?: string; secret?: string; timestamp?: number } = {}) =>
  Stripe.webhooks.generateTestHeaderString({ payload: options.payload ?? payload, secret: options.secret ?? secret, timestamp: options.timestamp ?? seconds })

function refusal(verify: () => unknown): string {
  try {
    verify()
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureError)
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('verifyStripeSignature', () => {
  it('accepts a header made by the Stripe library and answers the secret that matched', () => {
    expect(verifyStripeSignature(payload, sign(), [secret], now)).toBe(secret)
    expect(verifyStripeSignature(Buffer.from(payload), sign({ secret: 'whsec_other' }), [secret, 'whsec_other'], now)).toBe('whsec_other')
  })

  it('accepts any of several v1 signatures, ignoring other schemes', () => {
    const valid = sign().split(',v1=')[1]
    const header = `t=${seconds},v0=${'0'.repeat(64)},v1=${'a'.repeat(64)},v1=${valid}`
    expect(verifyStripeSignature(payload, header, [secret], now)).toBe(secret)
  })

  it('refuses a missing or malformed header', () => {
    expect(refusal(() => verifyStripeSignature(payload, undefined, [secret], now))).toBe('Missing Stripe-Signature header')
    for (const header of ['garbage', `t=${seconds}`, `v1=${'a'.repeat(64)}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${seconds},v1=xyz`]) {
      expect(refusal(() => verifyStripeSignature(payload, header, [secret], now))).toBe('Malformed Stripe-Signature header: expected t=<timestamp>,v1=<signature>')
    }
  })

  it('refuses a tampered payload and a wrong secret', () => {
    const message = 'No signatures found matching the expected signature for payload: check the webhook secret and pass the raw body'
    expect(refusal(() => verifyStripeSignature(payload.replace('ch_1', 'ch_2'), sign(), [secret], now))).toBe(message)
    expect(refusal(() => verifyStripeSignature(payload, sign({ secret: 'whsec_wrong' }), [secret], now))).toBe(message)
    // The timestamp is signed too: moving it breaks the signature.
    expect(refusal(() => verifyStripeSignature(payload, sign().replace(`t=${seconds}`, `t=${seconds + 1}`), [secret], now))).toBe(message)
  })

  it('refuses a timestamp more than 300 seconds away from the clock', () => {
    const message = 'Stripe-Signature timestamp is outside the tolerance of 300 seconds'
    expect(verifyStripeSignature(payload, sign({ timestamp: seconds - 300 }), [secret], now)).toBe(secret)
    expect(refusal(() => verifyStripeSignature(payload, sign({ timestamp: seconds - 301 }), [secret], now))).toBe(message)
    expect(refusal(() => verifyStripeSignature(payload, sign({ timestamp: seconds + 301 }), [secret], now))).toBe(message)
  })

  it('agrees with the Stripe library on what it accepts', () => {
    const header = sign({ timestamp: Math.floor(Date.now() / 1000) })
    expect(() => Stripe.webhooks.constructEvent(payload, header, secret)).not.toThrow()
    expect(verifyStripeSignature(payload, header, [secret], Date.now())).toBe(secret)
  })
})
