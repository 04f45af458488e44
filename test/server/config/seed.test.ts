// @vitest-environment node
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEMO_SEED } from '../../../src/server/config/demo-seed'
import { loadSeed, validateSeed } from '../../../src/server/config/seed'

const program = (extra: Record<string, unknown> = {}) => ({
  id: 7,
  api_key: 'sk_test',
  allowed_origins: ['https://shop.example'],
  commission: { type: 'fixed', amount_cents: 500 },
  partners: [{ code: 'P1' }],
  ...extra,
})

describe('validateSeed', () => {
  it('applies the defaults and reads the id as a string', () => {
    expect(validateSeed({ programs: [program()] })).toEqual([
      {
        id: '7',
        name: 'Program 7',
        api_key: 'sk_test',
        allowed_origins: ['https://shop.example'],
        window_days: 60,
        commission: { type: 'fixed', amount_cents: 500 },
        param: 'aff',
        lead_auth: 'browser',
        partners: [{ code: 'P1', name: 'P1', active: true, coupon_codes: [] }],
      },
    ])
  })

  it('keeps explicit values', () => {
    const [checked] = validateSeed({
      programs: [program({ id: 'acme', name: 'Acme', window_days: 30, param: 'ref', stripe_webhook_secret: 'whsec_x', commission: { type: 'percent', value: 12.5 }, partners: [{ code: 'OLD', name: 'Old', active: false }] })],
    })
    expect(checked).toMatchObject({ id: 'acme', name: 'Acme', window_days: 30, param: 'ref', stripe_webhook_secret: 'whsec_x', commission: { type: 'percent', value: 12.5 } })
    expect(checked.partners).toEqual([{ code: 'OLD', name: 'Old', active: false, coupon_codes: [] }])
  })

  it('names the first invalid field', () => {
    const cases: [unknown, string][] = [
      [null, 'expected an object with a "programs" array'],
      [{ programs: [] }, '"programs" must be a non-empty array'],
      [{ programs: [program()], extra: 1 }, 'the seed has an unknown field "extra"'],
      [{ programs: [program({ windows_days: 3 })] }, 'programs[0] has an unknown field "windows_days"'],
      [{ programs: [program({ id: '' })] }, 'programs[0].id must be a number or a non-empty string'],
      [{ programs: [program({ api_key: '' })] }, 'programs[0].api_key must be a non-empty string'],
      [{ programs: [program({ allowed_origins: 'http://localhost' })] }, 'programs[0].allowed_origins must be an array'],
      [{ programs: [program({ allowed_origins: ['http://localhost/'] })] }, 'programs[0].allowed_origins[0] must be "*", an origin'],
      [{ programs: [program({ window_days: 0 })] }, 'programs[0].window_days must be a positive integer'],
      [{ programs: [program({ window_days: 1.5 })] }, 'programs[0].window_days must be a positive integer'],
      [{ programs: [program({ commission: { type: 'percent', value: 130 } })] }, 'programs[0].commission must be'],
      [{ programs: [program({ commission: { type: 'fixed', amount_cents: 1.5 } })] }, 'programs[0].commission must be'],
      [{ programs: [program({ commission: undefined })] }, 'programs[0].commission must be'],
      [{ programs: [program({ param: 'a b' })] }, 'programs[0].param must be a query parameter name'],
      [{ programs: [program({ partners: [{ code: 'has space' }] })] }, 'programs[0].partners[0].code must be 1 to 64 of'],
      [{ programs: [program({ partners: [{ code: 'P1' }, { code: 'p1' }] })] }, 'programs[0].partners[1].code "p1" is listed twice'],
      [{ programs: [program({ partners: [{ code: 'P1', active: 'no' }] })] }, 'programs[0].partners[0].active must be a boolean'],
      [{ programs: [program({ partners: [{ code: 'P1', nick: 'x' }] })] }, 'programs[0].partners[0] has an unknown field "nick"'],
      [{ programs: [program(), program({ api_key: 'other' })] }, 'programs[1].id "7" is used twice'],
      [{ programs: [program(), program({ id: 8 })] }, 'programs[1].api_key is the same as another program\'s'],
    ]
    for (const [seed, message] of cases) expect(() => validateSeed(seed), message).toThrow(`Invalid seed: ${message}`)
  })

  it('accepts "*" and origin patterns', () => {
    const origins = ['*', 'http://localhost:*', 'https://*.shop.example', 'http://[::1]:*', 'https://shop.example:8443']
    expect(validateSeed({ programs: [program({ allowed_origins: origins })] })[0].allowed_origins).toEqual(origins)
  })
})

describe('loadSeed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'affitor-seed-'))

  it('reads a JSON file', () => {
    const file = join(dir, 'seed.json')
    writeFileSync(file, JSON.stringify({ programs: [program()] }))
    expect(loadSeed(file)[0].id).toBe('7')
  })

  it('names the file when it is missing, not JSON or invalid', () => {
    expect(() => loadSeed(join(dir, 'missing.json'))).toThrow(`Cannot read the seed file ${join(dir, 'missing.json')}`)
    writeFileSync(join(dir, 'broken.json'), '{ programs: ')
    expect(() => loadSeed(join(dir, 'broken.json'))).toThrow(`The seed file ${join(dir, 'broken.json')} is not valid JSON`)
    writeFileSync(join(dir, 'invalid.json'), '{"programs": [{}]}')
    expect(() => loadSeed(join(dir, 'invalid.json'))).toThrow(`Invalid seed file ${join(dir, 'invalid.json')}: programs[0].id`)
  })
})

describe('DEMO_SEED', () => {
  it('is a valid seed with the documented program and partners', () => {
    const [demo] = loadSeed(DEMO_SEED)
    expect(demo).toMatchObject({ id: '1', api_key: 'sk_demo_affitor', window_days: 60, commission: { type: 'percent', value: 30 }, stripe_webhook_secret: 'whsec_demo_affitor' })
    expect(demo.partners.map((partner) => [partner.code, partner.active])).toEqual([
      ['DEMO', true],
      ['P1', true],
      ['P2', true],
      ['P3', true],
      ['INACTIVE', false],
    ])
  })

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(DEMO_SEED)).toBe(true)
    expect(Object.isFrozen(DEMO_SEED.programs[0].partners[0])).toBe(true)
    expect(Object.isFrozen(DEMO_SEED.programs[0].allowed_origins)).toBe(true)
  })
})
