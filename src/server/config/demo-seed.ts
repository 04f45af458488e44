import type { Seed } from './seed'

/**
 * The seed the reference server starts with when given none: one program (id `1`, API key
 * `sk_demo_affitor`, webhook secret `whsec_demo_affitor`) paying 30% of each sale within 60
 * days of the winning click, open to pages on `localhost` and `127.0.0.1` at any port, with the
 * partners `DEMO`, `P1`, `P2` (who owns the promo code `P2SPRING`), `P3` and the inactive
 * `INACTIVE` (who owns `OLD10`).
 */
export const DEMO_SEED: Readonly<Seed> = deepFreeze<Seed>({
  programs: [
    {
      id: 1,
      name: 'Demo program',
      api_key: 'sk_demo_affitor',
      allowed_origins: ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'],
      window_days: 60,
      commission: { type: 'percent', value: 30 },
      stripe_webhook_secret: 'whsec_demo_affitor',
      partners: [
        { code: 'DEMO', name: 'Demo partner' },
        { code: 'P1', name: 'Partner One' },
        { code: 'P2', name: 'Partner Two', coupon_codes: ['P2SPRING'] },
        { code: 'P3', name: 'Partner Three' },
        { code: 'INACTIVE', name: 'Inactive partner', active: false, coupon_codes: ['OLD10'] },
      ],
    },
  ],
})

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) if (typeof child == 'object' && child) deepFreeze(child)
  return Object.freeze(value)
}
