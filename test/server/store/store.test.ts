// @vitest-environment node
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_SEED } from '../../../src/server/config/demo-seed'
import { validateSeed } from '../../../src/server/config/seed'
import { createStore, sameSecret } from '../../../src/server/store/store'
import { AUTH, closeServers, startTestServer } from '../helpers/server'

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

  it('puts back everything a failed change appended, updated in place or added under a key', () => {
    const store = createStore(programs)
    const at = '2030-01-01T00:00:00.000Z'
    store.change((state) => {
      state.seq = 2
      state.clicks.push({ seq: 1, id: 'clk_1', program_id: '1', visitor_id: 'vis_1', partner_code: 'P1', test_mode: false, created_at: at, request: {} })
      state.customers.push({ id: 'cus_1', program_id: '1', customer_key: 'user_1', email: null, visitor_id: null, created_at: at })
      const lead = { seq: 2, id: 'lead_1', program_id: '1', customer_id: 'cus_1', customer_key: 'user_1', email: null, click_id: null, partner_code: null, created_at: at, request: {} }
      state.leads.push(lead)
      state.subscriptions.sub_1 = { program_id: '1', metadata: { affitor_customer_key: 'user_1' } }
      state.answers['click:e1'] = { success: true }
    })
    const before = structuredClone(store.state)

    expect(() =>
      store.change((state) => {
        state.clicks.push({ seq: ++state.seq, id: 'clk_2', program_id: '1', visitor_id: 'vis_2', partner_code: 'P2', test_mode: false, created_at: at, request: {} })
        state.invoices.push('in_1')
        store.update(state.customers[0], { visitor_id: 'vis_1', email: 'a@b.co' })
        store.update(state.leads[0], { click_id: 'clk_1', partner_code: 'P1', click_attached_at: at })
        store.update(state.subscriptions, { sub_1: { program_id: '1', metadata: {} }, sub_2: { program_id: '1', metadata: {} } })
        store.change(() => store.update(state.answers, { 'lead:e2': { success: true } }))
        store.update(state.customers[0], { visitor_id: 'vis_2' })
        throw new Error('halfway')
      }),
    ).toThrow('halfway')

    expect(store.state).toEqual(before)
    expect(JSON.stringify(store.state)).toBe(JSON.stringify(before))
    expect(store.indexes.click('clk_2')).toBeUndefined()
    expect(store.indexes.customerByKey('1', 'user_1')).toBe(store.state.customers[0])
  })

  it('refuses an update outside a change', () => {
    const store = createStore(programs)
    expect(() => store.update(store.state.answers, { 'click:e1': {} })).toThrow('inside store.change()')
    expect(store.state.answers).toEqual({})
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

  it('saves each change to the data file and loads it back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'affitor-store-')), 'data.jsonl')
    const store = createStore(programs, { dataFile: file })
    store.change((state) => state.invoices.push('in_1'))
    await store.written()
    expect(readFileSync(file, 'utf8').split('\n')[1]).toBe('{"seq":0,"add":{"invoices":["in_1"]}}')
    store.reset()
    await store.close()
    const again = createStore(programs, { dataFile: file })
    expect(again.state.invoices).toEqual([])
    await again.close()
  })

  it('refuses to update something that is not stored', () => {
    const store = createStore(programs)
    expect(() => store.change(() => store.update({ id: 'nowhere' }, { id: 'x' }))).toThrow('a record with an id, or a table such as answers or subscriptions')
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
