import { readFileSync } from 'node:fs'

/**
 * What an `allowed_origins` entry may be: `*`, or a scheme and host with an optional port,
 * where `*` may stand for the port or for part of the host.
 */
export const ORIGIN_PATTERN = /^(\*|https?:\/\/[\w.*:[\]-]+)$/

/** How a program pays its partners: a share of each sale, or a fixed amount per sale. */
export type CommissionRule = { type: 'percent'; value: number } | { type: 'fixed'; amount_cents: number }

/** A partner as the seed describes it. */
export interface SeedPartner {
  /** The code in the partner's links (`?aff=CODE`); matched without regard to case. */
  code: string
  /** A display name. @default the code */
  name?: string
  /** An inactive partner's links answer `Referral link is inactive`. @default true */
  active?: boolean
  /**
   * Promo or coupon codes the partner owns: a sale that carries one (the sale API's
   * `coupon_code`, a Stripe Checkout Session's promotion code) is the partner's, cookie or not.
   * Matched without regard to case; unique across the program's partners. A Stripe webhook names
   * a promotion code by its id (`promo_…`) unless the code is expanded: list the id too.
   * @default []
   * @example ["JANE20", "promo_1PqRsT"]
   */
  coupon_codes?: readonly string[]
}

/** A program as the seed describes it. */
export interface SeedProgram {
  /** Sent by trackers as `program_id`; a number and its string compare equal. */
  id: number | string
  /** A display name. @default "Program <id>" */
  name?: string
  /** The secret key backends send as `Authorization: Bearer <api_key>`. Unique across programs. */
  api_key: string
  /**
   * The browser origins that may report clicks and leads: exact origins (`"https://shop.example"`),
   * `"*"` for any, or patterns where `:*` stands for any port (or none) and another `*` for part of
   * a host name (`"https://*.shop.example"`).
   * @example ["http://localhost:*", "https://www.shop.example"]
   */
  allowed_origins: readonly string[]
  /** Days after the winning click during which a sale is attributed. @default 60 */
  window_days?: number
  /** What a partner earns on an attributed sale. */
  commission: CommissionRule
  /** The signing secret of this program's Stripe webhook endpoint (`whsec_…`). */
  stripe_webhook_secret?: string
  /** The secret key of this program's Paddle notification destination (`pdl_ntfset_…`). */
  paddle_webhook_secret?: string
  /** The signing secret of this program's Lemon Squeezy webhook. */
  lemonsqueezy_webhook_secret?: string
  /** The query parameter that carries the partner code in links. @default "aff" */
  param?: string
  /**
   * `"server_required"`: a lead without the API key (the browser's `signup()`) is recorded as
   * provisional (`"provisional": true` in the answer) until the backend's authenticated lead or a
   * sale confirms the customer, and then the backend's click wins. `"browser"`: leads from the
   * browser count as they come, within the rules of the README's "Beyond the protocol".
   * @default "browser"
   */
  lead_auth?: 'browser' | 'server_required'
  /** The partners whose links count. */
  partners: readonly SeedPartner[]
}

/**
 * What the reference server starts from (and returns to on reset): its programs and their
 * partners. Validated on load; an invalid seed throws an `Error` naming the field.
 *
 * @example
 * {
 *   "programs": [{
 *     "id": 1, "name": "Acme", "api_key": "sk_test_acme",
 *     "allowed_origins": ["http://localhost:*"], "window_days": 60,
 *     "commission": { "type": "percent", "value": 30 },
 *     "stripe_webhook_secret": "whsec_acme",
 *     "partners": [{ "code": "P1", "name": "Partner One" }, { "code": "OLD", "active": false }]
 *   }]
 * }
 */
export interface Seed {
  programs: readonly SeedProgram[]
}

/** A partner with its defaults applied. */
export interface Partner {
  code: string
  name: string
  active: boolean
  /** As in the seed, in its case. */
  coupon_codes: string[]
}

/** A program as the server uses it: defaults applied, the id as a string. */
export interface Program {
  id: string
  name: string
  api_key: string
  allowed_origins: string[]
  window_days: number
  commission: CommissionRule
  stripe_webhook_secret?: string
  paddle_webhook_secret?: string
  lemonsqueezy_webhook_secret?: string
  param: string
  lead_auth: 'browser' | 'server_required'
  partners: Partner[]
}

/** Partner codes as the browser tracker accepts them. */
const CODE = /^[\w.~-]{1,64}$/
const PROGRAM_FIELDS = ['id', 'name', 'api_key', 'allowed_origins', 'window_days', 'commission', 'stripe_webhook_secret', 'paddle_webhook_secret', 'lemonsqueezy_webhook_secret', 'param', 'lead_auth', 'partners']
const PARTNER_FIELDS = ['code', 'name', 'active', 'coupon_codes']
/** Coupon and promotion codes: Stripe's are letters and digits, others use - and _ too. */
const COUPON = /^[\w.~-]{1,100}$/

const isObject = (value: unknown): value is Record<string, unknown> => typeof value == 'object' && value != null && !Array.isArray(value)

/**
 * Reads a seed: the object itself, or the path of a JSON file holding one. Throws an `Error`
 * naming the file or the first invalid field.
 */
export function loadSeed(seed: Seed | string): Program[] {
  if (typeof seed != 'string') return validateSeed(seed)
  let text: string
  try {
    text = readFileSync(seed, 'utf8')
  } catch (error) {
    throw new Error(`Cannot read the seed file ${seed}: ${(error as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`The seed file ${seed} is not valid JSON: ${(error as Error).message}`)
  }
  return validateSeed(parsed, `seed file ${seed}`)
}

/** Checks a seed and applies its defaults. Throws an `Error` naming the first invalid field. */
export function validateSeed(seed: unknown, source = 'seed'): Program[] {
  const fail = (message: string): never => {
    throw new Error(`Invalid ${source}: ${message}`)
  }
  const unknownField = (value: Record<string, unknown>, known: string[], at: string) => {
    for (const key in value) if (!known.includes(key)) fail(`${at} has an unknown field "${key}"`)
  }
  if (!isObject(seed)) return fail('expected an object with a "programs" array')
  unknownField(seed, ['programs'], 'the seed')
  if (!Array.isArray(seed.programs) || !seed.programs.length) return fail('"programs" must be a non-empty array')

  const programs = seed.programs.map((raw: unknown, i): Program => {
    const at = `programs[${i}]`
    if (!isObject(raw)) return fail(`${at} must be an object`)
    unknownField(raw, PROGRAM_FIELDS, at)
    const { id, name, api_key, allowed_origins, window_days = 60, commission, stripe_webhook_secret, param = 'aff', lead_auth = 'browser', partners } = raw
    if (!(typeof id == 'number' && Number.isFinite(id)) && !(typeof id == 'string' && id.trim())) fail(`${at}.id must be a number or a non-empty string`)
    if (name != null && typeof name != 'string') fail(`${at}.name must be a string`)
    if (typeof api_key != 'string' || !api_key.trim()) fail(`${at}.api_key must be a non-empty string`)
    if (!Array.isArray(allowed_origins)) fail(`${at}.allowed_origins must be an array of origins, such as ["http://localhost:*"]`)
    ;(allowed_origins as unknown[]).forEach((origin, j) => {
      if (typeof origin != 'string' || !ORIGIN_PATTERN.test(origin)) {
        fail(`${at}.allowed_origins[${j}] must be "*", an origin such as "https://shop.example" or a pattern such as "http://localhost:*"`)
      }
    })
    if (typeof window_days != 'number' || !Number.isInteger(window_days) || window_days < 1) fail(`${at}.window_days must be a positive integer`)
    for (const field of ['stripe_webhook_secret', 'paddle_webhook_secret', 'lemonsqueezy_webhook_secret']) {
      if (raw[field] != null && (typeof raw[field] != 'string' || !raw[field])) fail(`${at}.${field} must be a non-empty string`)
    }
    if (typeof param != 'string' || !CODE.test(param)) fail(`${at}.param must be a query parameter name such as "aff"`)
    if (lead_auth != 'browser' && lead_auth != 'server_required') fail(`${at}.lead_auth must be "browser" or "server_required"`)
    if (!Array.isArray(partners)) fail(`${at}.partners must be an array`)
    const codes = new Set<string>()
    const coupons = new Set<string>()
    const checkedPartners = (partners as unknown[]).map((partner, j): Partner => {
      const pat = `${at}.partners[${j}]`
      if (!isObject(partner)) return fail(`${pat} must be an object`)
      unknownField(partner, PARTNER_FIELDS, pat)
      const { code, name: partnerName, active = true, coupon_codes = [] } = partner
      if (typeof code != 'string' || !CODE.test(code)) fail(`${pat}.code must be 1 to 64 of A-Z a-z 0-9 _ . ~ -`)
      if (codes.has((code as string).toLowerCase())) fail(`${pat}.code "${code}" is listed twice`)
      codes.add((code as string).toLowerCase())
      if (partnerName != null && typeof partnerName != 'string') fail(`${pat}.name must be a string`)
      if (typeof active != 'boolean') fail(`${pat}.active must be a boolean`)
      if (!Array.isArray(coupon_codes)) fail(`${pat}.coupon_codes must be an array of codes`)
      for (const coupon of coupon_codes as unknown[]) {
        if (typeof coupon != 'string' || !COUPON.test(coupon)) fail(`${pat}.coupon_codes: each must be 1 to 100 of A-Z a-z 0-9 _ . ~ -, not ${JSON.stringify(coupon)}`)
        if (coupons.has((coupon as string).toLowerCase())) fail(`${pat}.coupon_codes: "${coupon}" belongs to another partner of the program, or is listed twice`)
        coupons.add((coupon as string).toLowerCase())
      }
      return { code: code as string, name: (partnerName as string | undefined) ?? (code as string), active: active as boolean, coupon_codes: [...(coupon_codes as string[])] }
    })
    return {
      id: String(id).trim(),
      name: (name as string | undefined) ?? `Program ${id}`,
      api_key: api_key as string,
      allowed_origins: [...(allowed_origins as string[])],
      window_days: window_days as number,
      commission: validateCommission(commission, `${at}.commission`, fail),
      ...(stripe_webhook_secret != null && { stripe_webhook_secret: stripe_webhook_secret as string }),
      ...(raw.paddle_webhook_secret != null && { paddle_webhook_secret: raw.paddle_webhook_secret as string }),
      ...(raw.lemonsqueezy_webhook_secret != null && { lemonsqueezy_webhook_secret: raw.lemonsqueezy_webhook_secret as string }),
      param: param as string,
      lead_auth: lead_auth as Program['lead_auth'],
      partners: checkedPartners,
    }
  })

  programs.forEach((program, i) => {
    programs.slice(0, i).forEach((earlier) => {
      if (earlier.id == program.id) fail(`programs[${i}].id "${program.id}" is used twice`)
      if (earlier.api_key == program.api_key) fail(`programs[${i}].api_key is the same as another program's`)
    })
  })
  return programs
}

function validateCommission(value: unknown, at: string, fail: (message: string) => never): CommissionRule {
  const shape = `${at} must be { "type": "percent", "value": 0-100 } or { "type": "fixed", "amount_cents": integer >= 0 }`
  if (!isObject(value)) return fail(shape)
  if (value.type == 'percent' && Object.keys(value).length == 2 && typeof value.value == 'number' && value.value >= 0 && value.value <= 100) {
    return { type: 'percent', value: value.value }
  }
  if (value.type == 'fixed' && Object.keys(value).length == 2 && Number.isInteger(value.amount_cents) && (value.amount_cents as number) >= 0) {
    return { type: 'fixed', amount_cents: value.amount_cents as number }
  }
  return fail(shape)
}
