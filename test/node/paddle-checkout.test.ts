import { describe, expect, it } from 'vitest'
import { withPaddleCustomData } from '../../src/node'

describe('withPaddleCustomData', () => {
  it('puts the ids in custom_data for the API, or in customData for the SDK and Paddle.js, keeping your own', () => {
    expect(withPaddleCustomData({ items: [], custom_data: { plan: 'pro' } }, { customerKey: 'user_1', clickId: 'clk_1', programId: 7 })).toEqual({
      items: [],
      custom_data: { plan: 'pro', affitor_customer_key: 'user_1', affitor_click_id: 'clk_1', program_id: '7' },
    })
    expect(withPaddleCustomData({ items: [], customData: null }, { clickId: 'clk_1' })).toEqual({ items: [], customData: { affitor_click_id: 'clk_1' } })
    expect(withPaddleCustomData({ items: [] } as { items: never[]; custom_data?: Record<string, unknown> }, { customerKey: 'u' }).custom_data).toEqual({ affitor_customer_key: 'u' })
  })

  it('refuses to carry nothing', () => {
    expect(() => withPaddleCustomData({}, { clickId: null })).toThrow(new TypeError('withPaddleCustomData(): customerKey or clickId is required'))
  })
})
