// @vitest-environment node
import { describe, expect, it } from 'vitest'
import * as firstParty from '../../src/first-party'

describe('affitor-tracker/first-party', () => {
  it('exports the handler, the Node adapter and the defaults, nothing else', () => {
    expect(Object.keys(firstParty).sort()).toEqual(['DEFAULTS', 'createFirstPartyHandler', 'toNodeHandler'])
    expect(firstParty.DEFAULTS).toEqual({ apiBase: 'https://api.affitor.com', mount: '/_affitor', param: 'aff', timeout: 10_000 })
  })

  it('makes handlers that toNodeHandler takes', () => {
    const handler = firstParty.createFirstPartyHandler({ mount: '/t' })
    expect(handler.mount).toBe('/t')
    expect(firstParty.toNodeHandler(handler)).toBeTypeOf('function')
  })
})
