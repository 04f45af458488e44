import { describe, expect, it } from 'vitest'
import { keyTag, MAX_KEY_LENGTH, signupError } from '../../src/browser/signup'

describe('signupError', () => {
  it('accepts a key alone, or with a plausible email', () => {
    expect(signupError('user_1', undefined)).toBeUndefined()
    expect(signupError('user_1', null)).toBeUndefined()
    expect(signupError('user_1', '')).toBeUndefined()
    expect(signupError('user_1', 'a@b.co')).toBeUndefined()
    expect(signupError('k'.repeat(MAX_KEY_LENGTH), 'first.last+tag@sub.example.com')).toBeUndefined()
  })

  it('refuses an empty, blank, non-string or over-long key', () => {
    for (const key of ['', '   ', undefined, null, 42, {}, ['user_1'], 'k'.repeat(MAX_KEY_LENGTH + 1)]) {
      expect(signupError(key, undefined)).toBe('invalid customerKey')
    }
  })

  it('refuses a malformed or non-string email', () => {
    for (const email of ['nope', 'a@b', '@b.co', 'a b@c.de', 42, 0, false, ['a@b.co'], 'a@b.co' + 'x'.repeat(MAX_KEY_LENGTH)]) {
      expect(signupError('user_1', email)).toBe('invalid email')
    }
  })
})

describe('keyTag', () => {
  it('is stable, short and does not contain the key', () => {
    expect(keyTag('user_1')).toBe(keyTag('user_1'))
    expect(keyTag('user_1')).not.toBe(keyTag('user_2'))
    expect(keyTag('someone@example.com')).toMatch(/^-?[a-z0-9]{1,7}$/)
    expect(keyTag('someone@example.com')).not.toContain('someone')
  })
})
