import { describe, expect, it } from 'vitest'
import { clickSkipReason, readPartnerCode } from '../src/attribution'

describe('readPartnerCode', () => {
  it('reads the code from the named parameter', () => {
    expect(readPartnerCode('?aff=PARTNER123', 'aff')).toBe('PARTNER123')
    expect(readPartnerCode('?utm_source=x&ref=P_1.a~b-c', 'ref')).toBe('P_1.a~b-c')
  })

  it('decodes once and trims', () => {
    expect(readPartnerCode('?aff=%20P1%20', 'aff')).toBe('P1')
    // %2541 decodes once to "%41", which is not a safe code: no double decoding to "A".
    expect(readPartnerCode('?aff=%2541', 'aff')).toBeNull()
  })

  it('ignores a missing, empty, over-long or unsafe code', () => {
    expect(readPartnerCode('', 'aff')).toBeNull()
    expect(readPartnerCode('?aff=', 'aff')).toBeNull()
    expect(readPartnerCode('?other=P1', 'aff')).toBeNull()
    expect(readPartnerCode('?aff=' + 'a'.repeat(64), 'aff')).toBe('a'.repeat(64))
    expect(readPartnerCode('?aff=' + 'a'.repeat(65), 'aff')).toBeNull()
    expect(readPartnerCode('?aff=<script>alert(1)</script>', 'aff')).toBeNull()
    expect(readPartnerCode('?aff=P1%22%3E', 'aff')).toBeNull()
    expect(readPartnerCode('?aff=%E0%A4%A', 'aff')).toBeNull()
    expect(readPartnerCode('?aff=pärtner', 'aff')).toBeNull()
  })

  it('takes the first value when the parameter repeats', () => {
    expect(readPartnerCode('?aff=P1&aff=P2', 'aff')).toBe('P1')
  })
})

describe('clickSkipReason (last click wins)', () => {
  it('skips without a code', () => {
    expect(clickSkipReason(null, undefined)).toBe('no-code')
    expect(clickSkipReason(null, 'P1')).toBe('no-code')
  })

  it('skips the partner already stored', () => {
    expect(clickSkipReason('P1', 'P1')).toBe('same-partner')
  })

  it('reports a first click and another partner', () => {
    expect(clickSkipReason('P1', undefined)).toBeUndefined()
    expect(clickSkipReason('P2', 'P1')).toBeUndefined()
  })
})
