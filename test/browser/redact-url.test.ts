import { describe, expect, it } from 'vitest'
import { REDACTED_PARAMS, redactUrl } from '../../src/browser/redact-url'

describe('redactUrl', () => {
  it('drops the fragment and the redacted parameters in any case, the rest as written', () => {
    expect(redactUrl('https://www.shop.test/cb?Code=s3cret&q=a%20b&flag&aff=P1#access_token=t', REDACTED_PARAMS)).toBe('https://www.shop.test/cb?q=a%20b&flag&aff=P1')
    expect(redactUrl('', REDACTED_PARAMS)).toBe('')
  })

  describe("as a click's affiliate_url, with its partner code", () => {
    it('adds aff=<code> when the code came under another name', () => {
      expect(redactUrl('https://www.shop.test/?ref=P7&q=a%20b#x', REDACTED_PARAMS, 'P7')).toBe('https://www.shop.test/?ref=P7&q=a%20b&aff=P7')
      expect(redactUrl('https://www.shop.test/pricing?ref=P7', REDACTED_PARAMS, 'P7')).toBe('https://www.shop.test/pricing?ref=P7&aff=P7')
    })

    it('replaces an aff that holds another value (the list put another name first, or it was no code)', () => {
      expect(redactUrl('https://www.shop.test/?aff=A1&ref=R1&aff=A2', REDACTED_PARAMS, 'R1')).toBe('https://www.shop.test/?ref=R1&aff=R1')
      expect(redactUrl('https://www.shop.test/?aff=bad%20code&via=V1', REDACTED_PARAMS, 'V1')).toBe('https://www.shop.test/?via=V1&aff=V1')
    })

    it('reads names decoded, as the server does: an encoded aff is replaced too, and an encoded secret redacted', () => {
      expect(redactUrl('https://www.shop.test/?ref=R1&a%66f=X1', REDACTED_PARAMS, 'R1')).toBe('https://www.shop.test/?ref=R1&aff=R1')
      expect(redactUrl('https://www.shop.test/?co%64e=s3cret&q=1&&', REDACTED_PARAMS)).toBe('https://www.shop.test/?q=1')
    })

    it('drops empty pairs, so that a trailing & gives no empty one before aff=', () => {
      expect(redactUrl('https://www.shop.test/?ref=P7&', REDACTED_PARAMS, 'P7')).toBe('https://www.shop.test/?ref=P7&aff=P7')
      expect(redactUrl('https://www.shop.test/?&&ref=P7&&q=1', REDACTED_PARAMS, 'P7')).toBe('https://www.shop.test/?ref=P7&q=1&aff=P7')
    })

    it('leaves a URL whose aff is the code as it is', () => {
      expect(redactUrl('https://www.shop.test/?aff=P1&ref=P2', REDACTED_PARAMS, 'P1')).toBe('https://www.shop.test/?aff=P1&ref=P2')
    })

    it('still carries the code when aff itself is redacted', () => {
      expect(redactUrl('https://www.shop.test/?aff=P1&token=t', ['aff', 'token'], 'P1')).toBe('https://www.shop.test/?aff=P1')
    })
  })
})
