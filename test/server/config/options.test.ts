// @vitest-environment node
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULTS, normalizeServerOptions } from '../../../src/server/config/options'
import type { Seed } from '../../../src/server/config/seed'

const seed: Seed = { programs: [{ id: 2, api_key: 'sk_x', allowed_origins: [], commission: { type: 'fixed', amount_cents: 1 }, partners: [] }] }

describe('normalizeServerOptions', () => {
  it('applies the defaults and loads the demo seed', () => {
    const opts = normalizeServerOptions()
    expect(opts).toMatchObject({ port: 4700, host: '127.0.0.1', testClock: false, static: [], maxBodyBytes: 65_536, log: false })
    expect(opts.now).toBe(Date.now)
    expect(opts.programs.map((program) => program.id)).toEqual(['1'])
    expect(opts).not.toHaveProperty('dataFile')
    expect(opts).not.toHaveProperty('stripeWebhookSecret')
  })

  it('lets undefined and null fall back to the default', () => {
    expect(normalizeServerOptions({ port: undefined, host: null as never, log: undefined }).port).toBe(4700)
  })

  it('keeps explicit values, resolves paths and sorts static mounts longest first', () => {
    const log = () => {}
    const now = () => 5
    const opts = normalizeServerOptions({
      port: 0,
      host: '::1',
      seed,
      dataFile: 'data.json',
      now,
      testClock: true,
      static: { '/': 'site', '/spa': 'spa/' },
      maxBodyBytes: 10,
      stripeWebhookSecret: 'whsec_y',
      log,
    })
    expect(opts).toMatchObject({ port: 0, host: '::1', dataFile: resolve('data.json'), now, testClock: true, maxBodyBytes: 10, stripeWebhookSecret: 'whsec_y', log })
    expect(opts.programs[0].id).toBe('2')
    expect(opts.static).toEqual([
      ['/spa/', resolve('spa')],
      ['/', resolve('site')],
    ])
  })

  it('throws a TypeError naming the option', () => {
    const cases: [object, string][] = [
      [{ port: 70_000 }, 'port must be an integer from 0 to 65535'],
      [{ port: '80' }, 'port must be an integer'],
      [{ host: '' }, 'host must be a non-empty string'],
      [{ seed: 5 }, 'seed must be a seed object or the path of a JSON file'],
      [{ dataFile: '' }, 'dataFile must be a file path'],
      [{ now: 5 }, 'now must be a function'],
      [{ testClock: 'yes' }, 'testClock must be a boolean'],
      [{ static: ['site'] }, 'static must be an object'],
      [{ static: { site: 'site' } }, 'static prefix "site" must start with "/"'],
      [{ static: { '/': 3 } }, 'static["/"] must be a directory path'],
      [{ maxBodyBytes: 0 }, 'maxBodyBytes must be a positive integer'],
      [{ stripeWebhookSecret: 3 }, 'stripeWebhookSecret must be a non-empty string'],
      [{ log: true }, 'log must be a function or false'],
    ]
    for (const [options, message] of cases) {
      expect(() => normalizeServerOptions(options as never), message).toThrow(TypeError)
      expect(() => normalizeServerOptions(options as never), message).toThrow(`reference server: ${message}`)
    }
  })

  it('lets an invalid seed throw its own error', () => {
    expect(() => normalizeServerOptions({ seed: { programs: [] } })).toThrow('Invalid seed: "programs" must be a non-empty array')
  })

  it('keeps the defaults frozen', () => {
    expect(Object.isFrozen(DEFAULTS)).toBe(true)
    expect(Object.isFrozen(DEFAULTS.static)).toBe(true)
  })
})
