import { describe, expect, it } from 'vitest'
import { DEFAULTS, normalizeOptions } from '../../src/browser/options'
import { fetchTransport } from '../../src/browser/transport'

describe('normalizeOptions', () => {
  it('applies the defaults', () => {
    const opts = normalizeOptions({ programId: 123 })
    expect(opts).toMatchObject({ programId: '123', apiBase: 'https://api.affitor.com', param: ['aff'], autoTrack: true })
    expect(opts.transport).toBe(fetchTransport)
    expect(opts.cookieDomain).toBeUndefined()
    expect(opts.debug).toBeUndefined()
  })

  it('lets undefined and null fall back to the default', () => {
    const opts = normalizeOptions({ programId: 'p', apiBase: undefined, param: null as unknown as string })
    expect(opts.apiBase).toBe(DEFAULTS.apiBase)
    expect(opts.param).toEqual(['aff'])
  })

  it('takes one partner-code parameter, a list, or the comma-separated list of a data attribute', () => {
    expect(normalizeOptions({ programId: 1, param: 'ref' }).param).toEqual(['ref'])
    expect(normalizeOptions({ programId: 1, param: ['aff', 'ref', 'via'] }).param).toEqual(['aff', 'ref', 'via'])
    expect(normalizeOptions({ programId: 1, param: 'aff, ref ,via' }).param).toEqual(['aff', 'ref', 'via'])
    expect(normalizeOptions({ programId: 1, param: ' aff,,ref ,  via, ' }).param).toEqual(['aff', 'ref', 'via'])
    // No name at all is the default, not a tracker that reads no code.
    for (const param of ['', [], ' , ', ['']]) expect(normalizeOptions({ programId: 1, param }).param).toEqual(['aff'])
    expect(normalizeOptions({ programId: 1, redactParams: '' as never }).redactParams).toEqual([])
    expect(normalizeOptions({ programId: 1, redactParams: [] }).redactParams).toEqual([])
    // None of them is ever redacted from the URLs sent.
    expect(normalizeOptions({ programId: 1, param: ['ref', 'via'], redactParams: ['ref', 'Via', 'code'] }).redactParams).toEqual(['code'])
  })

  it('keeps explicit values and drops trailing slashes from apiBase', () => {
    const opts = normalizeOptions({ programId: ' 7 ', apiBase: 'http://localhost:4700//', param: 'ref', autoTrack: false })
    expect(opts).toMatchObject({ programId: '7', apiBase: 'http://localhost:4700', param: ['ref'], autoTrack: false })
  })

  it('turns a path apiBase into a same-origin prefix', () => {
    expect(normalizeOptions({ programId: 1, apiBase: '/' }).apiBase).toBe('')
    expect(normalizeOptions({ programId: 1, apiBase: '/affitor/' }).apiBase).toBe('/affitor')
  })

  it('takes endpoint for apiBase, before it when both are given', () => {
    expect(normalizeOptions({ programId: 1, endpoint: '/_affitor/' }).apiBase).toBe('/_affitor')
    expect(normalizeOptions({ programId: 1, endpoint: '/_affitor', apiBase: 'https://api.affitor.com' }).apiBase).toBe('/_affitor')
    expect(normalizeOptions({ programId: 1, endpoint: undefined, apiBase: 'http://localhost:4700' }).apiBase).toBe('http://localhost:4700')
  })

  it('takes a timeout as a number, from the text of a data attribute too, and the default for no positive number', () => {
    expect(normalizeOptions({ programId: 1, timeout: '3000' as unknown as number }).timeout).toBe(3000)
    expect(normalizeOptions({ programId: 1, timeout: 2500 }).timeout).toBe(2500)
    for (const timeout of [0, -1, NaN, 'soon', true]) expect(normalizeOptions({ programId: 1, timeout: timeout as number }).timeout).toBe(DEFAULTS.timeout)
  })

  it('throws a TypeError naming the call and the option when programId is missing', () => {
    for (const options of [undefined, {}, { programId: '' }, { programId: '  ' }, { programId: null }]) {
      expect(() => normalizeOptions(options as never)).toThrow(TypeError)
      expect(() => normalizeOptions(options as never)).toThrow('createTracker(): programId is required')
    }
  })

  it('keeps the defaults frozen', () => {
    expect(Object.isFrozen(DEFAULTS)).toBe(true)
  })
})
