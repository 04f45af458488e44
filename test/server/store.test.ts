// @vitest-environment node
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_SEED } from '../../src/server/demo-seed'
import { validateSeed } from '../../src/server/seed'
import { createStore, sameSecret } from '../../src/server/store'
import { AUTH, closeServers, startTestServer } from './helpers/server'

const programs = validateSeed(DEMO_SEED)

afterEach(closeServers)

describe('createStore', () => {
  it('finds programs by id (number or string) and by API key', () => {
    const store = createStore(programs)
    expect(store.program(1)).toBe(programs[0])
    expect(store.program('1')).toBe(programs[0])
    expect(store.program(' 1 ')).toBe(programs[0])
    expect(store.program(2)).toBeUndefined()
    expect(store.program(undefined)).toBeUndefined()
    expect(store.programByApiKey('sk_demo_affitor')).toBe(programs[0])
    expect(store.programByApiKey('sk_other')).toBeUndefined()
  })

  it('makes prefixed random ids', () => {
    const store = createStore(programs)
    const ids = new Set(Array.from({ length: 100 }, () => store.id('clk')))
    expect(ids.size).toBe(100)
    for (const id of ids) expect(id).toMatch(/^clk_[0-9a-f]{16}$/)
  })

  it('applies a change entirely or not at all', () => {
    const store = createStore(programs)
    store.change((state) => state.invoices.push('in_1'))
    expect(() =>
      store.change((state) => {
        state.invoices.push('in_2')
        state.seq = 9
        throw new Error('halfway')
      }),
    ).toThrow('halfway')
    expect(store.state.invoices).toEqual(['in_1'])
    expect(store.state.seq).toBe(0)
  })

  it('rolls a nested change back with the outer one', () => {
    const store = createStore(programs)
    expect(() =>
      store.change((state) => {
        store.change((inner) => inner.invoices.push('in_inner'))
        state.invoices.push('in_outer')
        throw new Error('outer fails')
      }),
    ).toThrow('outer fails')
    expect(store.state.invoices).toEqual([])
  })

  it('saves each change to the data file and loads it back', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'affitor-store-')), 'data.json')
    const store = createStore(programs, file)
    store.change((state) => state.invoices.push('in_1'))
    expect(JSON.parse(readFileSync(file, 'utf8')).state.invoices).toEqual(['in_1'])
    expect(createStore(programs, file).state.invoices).toEqual(['in_1'])
    expect(store.toJSON()).toEqual(JSON.parse(readFileSync(file, 'utf8')))
    store.reset()
    expect(createStore(programs, file).state.invoices).toEqual([])
  })
})

describe('a data file across restarts', () => {
  it('keeps clicks, leads and sales, so a sale after a restart is attributed', async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), 'affitor-restart-')), 'data.json')
    const first = await startTestServer({ dataFile })
    const { body: click } = await first.click('P2')
    await first.lead({ customer_key: 'user_1', click_id: click.click_id })
    await first.close()

    const second = await startTestServer({ dataFile })
    expect((await second.events()).map((event) => event.type)).toEqual(['click', 'lead'])
    const sale = await second.sale({ transaction_id: 'order_1', amount_cents: 1_000, customer_key: 'user_1' })
    expect(sale.body).toMatchObject({ attributed: true, partner_code: 'P2' })
    expect(await second.lead({ customer_key: 'user_1' }, AUTH)).toMatchObject({ status: 200, body: { duplicate: true } })
  })
})

describe('sameSecret', () => {
  it('compares secrets of any length without throwing', () => {
    expect(sameSecret('sk_demo_affitor', 'sk_demo_affitor')).toBe(true)
    expect(sameSecret('sk_demo_affitor', 'sk_demo_affitoR')).toBe(false)
    expect(sameSecret('sk_demo_affitor', 'sk')).toBe(false)
    expect(sameSecret('sk_demo_affitor', '')).toBe(false)
  })
})
