import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Program } from '../config/seed'
import { badRequest, HttpError, parseJsonObject, type Context, type Route } from '../http/http'
import type { Body, PaymentSource, State } from '../store/records'
import type { ReferenceStore } from '../store/store'
import { isObject } from './fields'

/*
 * What the Paddle and Lemon Squeezy webhooks share: the secrets (each program's and the
 * server-wide option), a signature checked before anything is read, one change per delivery,
 * a delivery counted once, and the program a payment's custom data names.
 */

/** Why a webhook's signature was refused; the message says what to fix. */
export class WebhookSignatureError extends Error {}

/** HMAC-SHA256 of `payload` keyed with `secret`, compared in constant time with `signature` (hex). */
export function hmacMatches(secret: string, payload: Buffer | string, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false
  const expected = createHmac('sha256', secret).update(payload).digest()
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'))
}

/** What one handled delivery needs. */
export interface DeliveryContext {
  store: ReferenceStore
  state: State
  at: number
  /** The program whose secret signed it, when only one has that secret. */
  bound?: Program
  /** The program a `program_id` names (`undefined`: the bound or only one), or why none applies. */
  program(programId: unknown): Program | string
  /** What the records keep as their request. */
  request: Body
}

/** How a provider's webhook is read. */
export interface WebhookProvider {
  name: PaymentSource
  /** How people name it in messages. */
  title: string
  /** The seed field and the option holding its secrets. */
  seedField: 'paddle_webhook_secret' | 'lemonsqueezy_webhook_secret'
  optionField: 'paddleWebhookSecret' | 'lemonsqueezyWebhookSecret'
  /** The secret among `secrets` that signed the request; throws a {@link WebhookSignatureError}. */
  verify(ctx: Context, raw: Buffer, secrets: readonly string[]): string
  /** The event's name and the key a redelivery of it repeats; throws an HttpError for a body of another shape. */
  read(event: Body): { type: string; key: string; object: Body }
  /** The handlers by event name. */
  handlers: Map<string, (x: DeliveryContext, object: Body, event: Body) => Body>
}

/** The route of a provider's webhook: verified, parsed, deduplicated, handled in one change. */
export function webhookRoute(provider: WebhookProvider): Route {
  return async (ctx) => {
    const raw = await ctx.body()
    const { store, options } = ctx
    const secrets = [...new Set([options[provider.optionField], ...store.programs.map((program) => program[provider.seedField])])].filter((secret): secret is string => !!secret)
    if (!secrets.length) {
      throw new HttpError(500, `No ${provider.title} webhook secret is configured: set ${provider.seedField} on a program in the seed, or the ${provider.optionField} option`)
    }
    let secret: string
    try {
      secret = provider.verify(ctx, raw, secrets)
    } catch (error) {
      throw error instanceof WebhookSignatureError ? badRequest(error.message) : error
    }
    const event = parseJsonObject(raw)
    const { type, key, object } = provider.read(event)
    const answer = (outcome: Body) => ({ status: 200, body: { received: true, type, ...outcome } })
    // A Map: an event name such as `constructor` is no handler.
    const handle = provider.handlers.get(type)
    if (!handle) return answer({ ignored: true, reason: 'unhandled_event_type' })
    const delivery = `${provider.name}:${key}`
    if (store.indexes.hasWebhookEvent(delivery)) return answer({ duplicate: true })
    const { bound, program } = signedPrograms(store, secret, provider.seedField, options[provider.optionField])
    return answer(
      store.change((state) => {
        const outcome = handle(
          {
            store,
            state,
            at: ctx.clock.now(),
            bound,
            program,
            request: { [`${provider.name}_event`]: type, event },
          },
          object,
          event,
        )
        state.webhook_events.push(delivery)
        return outcome
      }),
    )
  }
}

/**
 * The program a webhook's `secret` binds it to (when exactly one program has that secret, and it
 * is not the server-wide `optionSecret`), and how a `program_id` in its payload is read: none
 * means the bound program or the only one; a named program must be the bound one.
 */
export function signedPrograms(
  store: ReferenceStore,
  secret: string,
  seedField: 'stripe_webhook_secret' | 'paddle_webhook_secret' | 'lemonsqueezy_webhook_secret',
  optionSecret: string | undefined,
): { bound?: Program; program: (programId: unknown) => Program | string } {
  const signedBy = store.programs.filter((program) => program[seedField] == secret)
  const bound = signedBy.length == 1 && secret != optionSecret ? signedBy[0] : undefined
  return {
    bound,
    program(programId) {
      if (programId === undefined || programId === null || programId === '') return bound || (store.programs.length == 1 ? store.programs[0] : 'unknown_program')
      const named = store.program(programId)
      return !named ? 'unknown_program' : bound && named != bound ? 'program_mismatch' : named
    },
  }
}

export const ignored = (reason: string): Body => ({ ignored: true, reason })

/** The affitor ids of a custom data object: its string values only. */
export function affitorIds(value: unknown): { customer_key?: string; click_id?: string; program_id?: string } {
  const data = isObject(value) ? value : {}
  const text = (field: string) => (typeof data[field] == 'string' && data[field] ? (data[field] as string) : typeof data[field] == 'number' ? String(data[field]) : undefined)
  return { customer_key: text('affitor_customer_key'), click_id: text('affitor_click_id'), program_id: text('program_id') }
}

/** An amount in minor units as providers send it, a number or a string of digits; `undefined` otherwise. */
export function minorUnits(value: unknown): number | undefined {
  const amount = typeof value == 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value
  return typeof amount == 'number' && Number.isSafeInteger(amount) && amount >= 0 ? amount : undefined
}

export const currencyOf = (value: unknown) => (typeof value == 'string' && /^[a-z]{3}$/i.test(value) ? value.toUpperCase() : 'USD')
