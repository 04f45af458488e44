// @vitest-environment node
import fs, { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fillDisk } from '../../helpers/full-disk'
import { DEMO_SEED } from '../../../src/server/config/demo-seed'
import { validateSeed } from '../../../src/server/config/seed'
import { FORMAT, LogWriteError, openEventLog } from '../../../src/server/store/event-log'
import { emptyState, type Click } from '../../../src/server/store/records'
import { createStore, type ReferenceStore, type StoreFileOptions } from '../../../src/server/store/store'

const programs = validateSeed(DEMO_SEED)
const AT = '2030-01-01T00:00:00.000Z'
const click = (id: string): Click => ({ seq: 0, id, program_id: '1', visitor_id: 'vis_' + id, partner_code: 'P1', test_mode: false, created_at: AT, request: {} })

const dirs: string[] = []
const stores: ReferenceStore[] = []
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), 'affitor-log-'))
  dirs.push(dir)
  return join(dir, 'data.jsonl')
}
const open = (dataFile: string, options: Omit<StoreFileOptions, 'dataFile'> = {}) => {
  const store = createStore(programs, { dataFile, log: () => {}, ...options })
  stores.push(store)
  return store
}
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean)

afterEach(async () => {
  vi.restoreAllMocks()
  for (const store of stores.splice(0)) await store.close().catch(() => {})
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Records a click, and attaches it to a customer recorded before: an append and an update of something stored. */
function clickAndAttach(store: ReferenceStore, id: string): void {
  store.change((state) => {
    state.seq++
    state.clicks.push({ ...click(id), seq: state.seq })
    const customer = state.customers[0]
    if (customer) store.update(customer, { visitor_id: 'vis_' + id })
    store.update(state.answers, { [`click:${id}`]: { click_id: id } })
  })
}

describe('the event log', () => {
  it('appends one line per change after a header, and replays them to the same state', async () => {
    const path = file()
    const store = open(path)
    store.change((state) => state.customers.push({ id: 'cus_1', program_id: '1', customer_key: 'user_1', email: null, visitor_id: null, created_at: AT }))
    await store.written()
    const before = readFileSync(path)
    clickAndAttach(store, 'clk_1')
    clickAndAttach(store, '__proto__')
    await store.written()
    // Appended: what was written stays as it was.
    expect(readFileSync(path).subarray(0, before.length)).toEqual(before)
    expect(lines(path)).toHaveLength(4)
    expect(JSON.parse(lines(path)[0])).toEqual({ format: FORMAT })
    expect(JSON.parse(lines(path)[2])).toMatchObject({ seq: 1, add: { clicks: [{ id: 'clk_1' }] }, set: [['customers', 0, { visitor_id: 'vis_clk_1' }], ['answers', null, { 'click:clk_1': { click_id: 'clk_1' } }]] })
    const state = JSON.parse(JSON.stringify(store.state))
    await store.close()

    const again = open(path)
    expect(JSON.parse(JSON.stringify(again.state))).toEqual(state)
    expect(again.state.customers[0].visitor_id).toBe('vis___proto__')
    expect(Object.getPrototypeOf(again.state.answers)).toBeNull()
    expect(again.state.answers['click:__proto__']).toEqual({ click_id: '__proto__' })
    expect(again.indexes.click('clk_1')).toBe(again.state.clicks[0])
  })

  it('writes the changes made while a write is under way as one group, and syncs each group only when durable', async () => {
    const write = vi.spyOn(fs, 'write')
    const sync = vi.spyOn(fs, 'fdatasync')
    const relaxed = open(file())
    for (let i = 0; i < 50; i++) clickAndAttach(relaxed, `clk_${i}`)
    await relaxed.written()
    // The first change is written at once; the 49 made meanwhile go together.
    expect(write).toHaveBeenCalledTimes(2)
    expect(sync).not.toHaveBeenCalled()

    const durable = open(file(), { durable: true })
    for (let i = 0; i < 50; i++) clickAndAttach(durable, `clk_${i}`)
    await durable.written()
    clickAndAttach(durable, 'clk_last')
    await durable.written()
    expect(sync).toHaveBeenCalledTimes(3)
  })

  it('cuts off a last line a crash left half-written, and names the line of a damaged one', async () => {
    const path = file()
    const store = open(path)
    clickAndAttach(store, 'clk_1')
    await store.close()
    const whole = statSync(path).size
    appendFileSync(path, '{"seq":2,"add":{"clicks":[{"id":"clk_')
    const again = open(path)
    expect(again.state.clicks.map((c) => c.id)).toEqual(['clk_1'])
    expect(statSync(path).size).toBe(whole)
    clickAndAttach(again, 'clk_2')
    await again.close()
    expect(open(path).state.clicks.map((c) => c.id)).toEqual(['clk_1', 'clk_2'])
    await stores.pop()!.close()

    writeFileSync(path, [lines(path)[0], '{"seq":1,"add":{"clicks":[]}}', 'not json', '{"seq":3}', ''].join('\n'))
    expect(() => open(path)).toThrow(`The data file ${path} is damaged at line 3`)
    writeFileSync(path, '{"name": "package"}\n')
    expect(() => open(path)).toThrow('was not written by the reference server')
  })

  it('reads a data file of the earlier whole-JSON format, and rewrites it as a log', async () => {
    const path = file()
    const state = { ...emptyState(), seq: 1, clicks: [{ ...click('clk_old'), seq: 1 }], answers: { 'click:e1': { click_id: 'clk_old' } } }
    writeFileSync(path, JSON.stringify({ format: 'affitor-reference-server/1', state }, null, 2))
    const store = open(path)
    expect(store.state.clicks.map((c) => c.id)).toEqual(['clk_old'])
    expect(JSON.parse(lines(path)[0])).toEqual({ format: FORMAT })
    await store.close()
    expect(open(path).state.answers['click:e1']).toEqual({ click_id: 'clk_old' })
  })

  it('is held by one server at a time: a second stops with a clear message, a lock its dead holder left is taken over', async () => {
    const path = file()
    const first = open(path)
    expect(() => open(path)).toThrow(`The data file ${path} is in use by another reference server (process ${process.pid}, this one)`)
    await first.close()
    expect(existsSync(path + '.lock')).toBe(false)
    // A process id no process has.
    writeFileSync(path + '.lock', '4194304999')
    const second = open(path)
    expect(readFileSync(path + '.lock', 'utf8')).toBe(String(process.pid))
    await second.close()
  })

  it('on a full disk rejects the changes with a clear error, undoes them, keeps nothing half-written, and writes again once there is space', async () => {
    const path = file()
    const messages: string[] = []
    const store = open(path, { log: (line) => messages.push(line) })
    clickAndAttach(store, 'clk_1')
    await store.written()
    const size = statSync(path).size
    const state = JSON.stringify(store.state)

    const write = fs.write
    let full = true
    vi.spyOn(fs, 'write').mockImplementation(((fd: number, buffer: Buffer, offset: number, length: number, position: number, done: (error: NodeJS.ErrnoException | null, written: number) => void) => {
      if (!full) return write(fd, buffer, offset, length, position, done)
      // The disk takes a few bytes, then has no room left.
      write(fd, buffer, offset, 5, position, () => done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 0))
    }) as typeof fs.write)
    clickAndAttach(store, 'clk_2')
    clickAndAttach(store, 'clk_3')
    const failure = await store.written().catch((error) => error)
    expect(failure).toBeInstanceOf(LogWriteError)
    expect(failure.message).toBe(`The data file ${path} cannot grow: no space left on the device. Nothing was recorded; free some space and send it again.`)
    expect(JSON.stringify(store.state)).toBe(state)
    expect(store.indexes.click('clk_2')).toBeUndefined()
    expect(statSync(path).size).toBe(size)
    // What only reads is answered again at once.
    await expect(store.written()).resolves.toBeUndefined()
    expect(messages).toEqual([failure.message].map((message) => `[affitor reference server] ${message}`))

    full = false
    clickAndAttach(store, 'clk_4')
    await store.written()
    expect(messages.at(-1)).toBe(`[affitor reference server] writing the data file ${path} again`)
    await store.close()
    expect(open(path).state.clicks.map((c) => c.id)).toEqual(['clk_1', 'clk_4'])
  })

  it('compacts itself as it grows, to the lines of the current state, and replays the same', async () => {
    const path = file()
    const store = open(path, { compactAfterBytes: 20_000 })
    store.change((state) => state.customers.push({ id: 'cus_1', program_id: '1', customer_key: 'user_1', email: null, visitor_id: null, created_at: AT }))
    let compactions = 0
    let largest = 0
    for (let i = 0; i < 400; i++) {
      clickAndAttach(store, `clk_${i}`)
      await store.written()
      const size = statSync(path).size
      if (size < largest) compactions++
      largest = size
    }
    expect(compactions).toBeGreaterThan(0)
    const state = JSON.parse(JSON.stringify(store.state))
    await store.close()
    // Fewer lines than changes: the 400 updates of one customer are one record now.
    expect(lines(path).length).toBeLessThan(300)
    expect(existsSync(`${path}.${process.pid}.compact`)).toBe(false)
    expect(JSON.parse(JSON.stringify(open(path).state))).toEqual(state)
  })

  it('refuses a file whose changes name what the state does not own, and pollutes nothing', () => {
    const path = file()
    const header = JSON.stringify({ format: FORMAT })
    for (const change of ['{"set":[["__proto__",null,{"polluted":"yes"}]]}', '{"set":[["clicks",null,{"length":0}]]}', '{"add":{"constructor":[1]}}', '{"set":[["clicks",-1,{"id":"x"}]]}']) {
      writeFileSync(path, `${header}\n{"seq":1,"add":{"clicks":[${JSON.stringify(click('clk_1'))}]}}\n${change}\n`)
      expect(() => open(path), change).toThrow(`The data file ${path} is damaged at line 3`)
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // A record's patch cannot reach its prototype either.
    writeFileSync(path, `${header}\n{"seq":1,"add":{"clicks":[${JSON.stringify(click('clk_1'))}]}}\n{"set":[["clicks",0,{"__proto__":{"polluted":"yes"},"partner_code":"P2"}]]}\n`)
    const store = open(path)
    expect(store.state.clicks[0].partner_code).toBe('P2')
    expect(Object.getPrototypeOf(store.state.clicks[0])).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('starts again from a header cut short or left without its newline', async () => {
    for (const start of [JSON.stringify({ format: FORMAT }), '{"format":"affitor-re']) {
      const path = file()
      writeFileSync(path, start)
      const store = open(path)
      clickAndAttach(store, 'clk_1')
      await store.close()
      expect(lines(path)[0]).toBe(JSON.stringify({ format: FORMAT }))
      expect(open(path).state.clicks.map((c) => c.id)).toEqual(['clk_1'])
    }
  })

  it('writes nothing once closed: a later change is undone and refused', async () => {
    const path = file()
    const store = open(path)
    clickAndAttach(store, 'clk_1')
    await store.close()
    const before = readFileSync(path, 'utf8')
    // The closed descriptor's number goes to the next file opened.
    const other = fs.openSync(path + '.other', 'w+')
    try {
      clickAndAttach(store, 'clk_2')
      await expect(store.written()).rejects.toBeInstanceOf(LogWriteError)
    } finally {
      fs.closeSync(other)
    }
    expect(store.state.clicks.map((c) => c.id)).toEqual(['clk_1'])
    expect(readFileSync(path, 'utf8')).toBe(before)
    expect(readFileSync(path + '.other', 'utf8')).toBe('')
  })

  it('takes over a lock with this process\'s own pid that this process does not hold (a container restarted as the same pid)', async () => {
    const path = file()
    writeFileSync(path + '.lock', String(process.pid))
    const store = open(path)
    expect(store.state.clicks).toEqual([])
    expect(() => open(path)).toThrow('(process ' + process.pid + ', this one)')
  })

  it('goes on when the log callback itself throws', async () => {
    const path = file()
    const store = open(path, {
      log: () => {
        throw new Error('no log')
      },
    })
    const disk = fillDisk()
    clickAndAttach(store, 'clk_1')
    await expect(store.written()).rejects.toBeInstanceOf(LogWriteError)
    disk.full = false
    clickAndAttach(store, 'clk_2')
    await store.written()
    expect(store.state.clicks.map((c) => c.id)).toEqual(['clk_2'])
  })

  it('logs a reset, so a restart starts from nothing', async () => {
    const path = file()
    const log = openEventLog(path)
    await log.append({ seq: 1, add: { invoices: ['in_1'] } }, () => {}, () => emptyState())
    await log.append({ reset: true }, () => {}, () => emptyState())
    await log.append({ seq: 1, add: { invoices: ['in_2'] } }, () => {}, () => emptyState())
    await log.close()
    const store = open(path)
    expect(store.state.invoices).toEqual(['in_2'])
  })
})
