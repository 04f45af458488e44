// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { CLICK_COOKIE } from '../../src/cookie-names'
import { readClickId, readRequestCookie } from '../../src/node'

describe('readClickId', () => {
  it('reads affitor_click_id from a Cookie header, a Node request and a Fetch Request', () => {
    const header = 'theme=dark; affitor_click_id=clk_123; other=1'
    expect(readClickId(header)).toBe('clk_123')
    expect(readClickId({ headers: { cookie: header } })).toBe('clk_123')
    expect(readClickId(new Request('https://shop.test/', { headers: { cookie: header } }))).toBe('clk_123')
  })

  it('reads the cookie the browser tracker writes', () => {
    expect(readClickId(`${CLICK_COOKIE}=clk_7`)).toBe('clk_7')
  })

  it('answers null when the cookie is missing or empty, or there is no header', () => {
    for (const source of [undefined, null, '', 'a=1', 'affitor_click_id=', { headers: {} }, new Request('https://shop.test/')]) expect(readClickId(source)).toBeNull()
  })

  it('decodes percent-encoding and quotes, keeps a malformed value as it is, and matches whole names only', () => {
    expect(readClickId('affitor_click_id=clk%20a')).toBe('clk a')
    expect(readClickId('affitor_click_id="clk_q"')).toBe('clk_q')
    expect(readClickId('affitor_click_id=%E0%A4%A')).toBe('%E0%A4%A')
    expect(readClickId('x_affitor_click_id=wrong; affitor_click_id_old=wrong')).toBeNull()
  })

  it('reads the first of repeated cookies and joins header arrays', () => {
    expect(readClickId('affitor_click_id=first; affitor_click_id=second')).toBe('first')
    expect(readClickId({ headers: { cookie: ['a=1', 'affitor_click_id=clk_arr'] } })).toBe('clk_arr')
  })

  it('reads any cookie by name', () => {
    expect(readRequestCookie('affitor_partner_code=P1', 'affitor_partner_code')).toBe('P1')
  })
})
