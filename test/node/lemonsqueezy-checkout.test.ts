import { describe, expect, it } from 'vitest'
import { withLemonSqueezyCustomData } from '../../src/node'

describe('withLemonSqueezyCustomData', () => {
  it('puts the ids in checkout_data.custom for the API, or checkoutData.custom for the SDK, keeping your own', () => {
    expect(withLemonSqueezyCustomData({ checkout_data: { email: 'a@b.co', custom: { plan: 'pro' } } }, { customerKey: 'user_1', clickId: 'clk_1' })).toEqual({
      checkout_data: { email: 'a@b.co', custom: { plan: 'pro', affitor_customer_key: 'user_1', affitor_click_id: 'clk_1' } },
    })
    expect(withLemonSqueezyCustomData({ checkoutData: {} }, { clickId: 'clk_1', programId: '3' })).toEqual({ checkoutData: { custom: { affitor_click_id: 'clk_1', program_id: '3' } } })
    expect(withLemonSqueezyCustomData({}, { customerKey: 'u' })).toEqual({ checkout_data: { custom: { affitor_customer_key: 'u' } } })
  })

  it('refuses to carry nothing', () => {
    expect(() => withLemonSqueezyCustomData({}, {})).toThrow(new TypeError('withLemonSqueezyCustomData(): customerKey or clickId is required'))
  })
})
