import { describe, expect, it } from 'vitest'
import { readPartnerCode } from '../src/partner-code'

describe('readPartnerCode', () => {
  it('reads the code from the named parameter', () => {
    expect(readPartnerCode('https://shop.test/?aff=PARTNER123', ['aff'])).toBe('PARTNER123')
    expect(readPartnerCode('https://shop.test/?utm_source=x&ref=P_1.a~b-c', ['ref'])).toBe('P_1.a~b-c')
  })

  it('decodes once and trims', () => {
    expect(readPartnerCode('https://shop.test/?aff=%20P1%20', ['aff'])).toBe('P1')
    // %2541 decodes once to "%41", which is not a safe code: no double decoding to "A".
    expect(readPartnerCode('https://shop.test/?aff=%2541', ['aff'])).toBeNull()
  })

  it('ignores a missing, empty, over-long or unsafe code', () => {
    expect(readPartnerCode('https://shop.test/', ['aff'])).toBeNull()
    expect(readPartnerCode('https://shop.test/?aff=', ['aff'])).toBeNull()
    expect(readPartnerCode('https://shop.test/?other=P1', ['aff'])).toBeNull()
    expect(readPartnerCode('https://shop.test/?aff=' + 'a'.repeat(64), ['aff'])).toBe('a'.repeat(64))
    expect(readPartnerCode('https://shop.test/?aff=' + 'a'.repeat(65), ['aff'])).toBeNull()
    expect(readPartnerCode('https://shop.test/?aff=<script>alert(1)</script>', ['aff'])).toBeNull()
    expect(readPartnerCode('https://shop.test/?aff=P1%22%3E', ['aff'])).toBeNull()
    expect(readPartnerCode('https://shop.test/?aff=%E0%A4%A', ['aff'])).toBeNull()
    expect(readPartnerCode('https://shop.test/?aff=pärtner', ['aff'])).toBeNull()
  })

  it('of several names, takes the first in the list that holds a code, whatever the order in the URL', () => {
    expect(readPartnerCode('https://shop.test/?via=V1&ref=R1', ['aff', 'ref', 'via'])).toBe('R1')
    expect(readPartnerCode('https://shop.test/?aff=not%20safe&via=V1', ['aff', 'ref', 'via'])).toBe('V1')
    expect(readPartnerCode('https://shop.test/?partner=P1', ['aff', 'ref'])).toBeNull()
    expect(readPartnerCode('https://shop.test/?aff=P1', [])).toBeNull()
  })

  it('takes the first value when the parameter repeats', () => {
    expect(readPartnerCode('https://shop.test/?aff=P1&aff=P2', ['aff'])).toBe('P1')
  })
})
