// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type Stripe from 'stripe'
import { withAffitorMetadata } from '../../src/node'

const ids = { customerKey: 'user_1', clickId: 'clk_1', programId: 1 }
const metadata = { affitor_customer_key: 'user_1', affitor_click_id: 'clk_1', program_id: '1' }

describe('withAffitorMetadata', () => {
  it('puts the ids on the session and on subscription_data.metadata for a subscription', () => {
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: 'subscription',
      line_items: [{ price: 'price_pro', quantity: 1 }],
      success_url: 'https://shop.test/ok',
      metadata: { order: 'o1' },
      subscription_data: { trial_period_days: 7, metadata: { plan: 'pro' } },
    }
    const session = withAffitorMetadata(params, ids)
    expect(session.metadata).toEqual({ order: 'o1', ...metadata })
    expect(session.subscription_data).toEqual({ trial_period_days: 7, metadata: { plan: 'pro', ...metadata } })
    expect(session.line_items).toBe(params.line_items)
    // The caller's object is left as it was.
    expect(params.metadata).toEqual({ order: 'o1' })
  })

  it('leaves subscription_data out of a one-time payment, which Stripe would refuse', () => {
    const session = withAffitorMetadata({ mode: 'payment', success_url: 'https://shop.test/ok' }, ids)
    expect(session.metadata).toEqual(metadata)
    expect(session).not.toHaveProperty('subscription_data')
  })

  it('leaves missing ids out, and refuses when there is neither a customer key nor a click id', () => {
    expect(withAffitorMetadata({ mode: 'payment' }, { customerKey: 'user_2', clickId: null }).metadata).toEqual({ affitor_customer_key: 'user_2' })
    expect(() => withAffitorMetadata({ mode: 'payment' }, { clickId: '' })).toThrow(TypeError)
  })
})
