// @vitest-environment node
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readDataFile, writeDataFile } from '../../../src/server/store/data-file'
import { emptyState } from '../../../src/server/store/records'

const dir = () => mkdtempSync(join(tmpdir(), 'affitor-data-'))

describe('data files', () => {
  it('reads back what was written, and nothing for a missing file', () => {
    const file = join(dir(), 'data.json')
    expect(readDataFile(file)).toBeUndefined()
    const state = { ...emptyState(), seq: 3, invoices: ['in_1'] }
    writeDataFile(file, state)
    expect(readDataFile(file)).toEqual(state)
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('affitor-reference-server/1')
  })

  it('writes through a temporary file that it renames, leaving nothing else behind', () => {
    const folder = dir()
    writeDataFile(join(folder, 'data.json'), emptyState())
    writeDataFile(join(folder, 'data.json'), { ...emptyState(), seq: 1 })
    expect(readdirSync(folder)).toEqual(['data.json'])
  })

  it('starts fields a file lacks empty', () => {
    const file = join(dir(), 'data.json')
    writeFileSync(file, JSON.stringify({ format: 'affitor-reference-server/1', state: { seq: 2 } }))
    expect(readDataFile(file)).toEqual({ ...emptyState(), seq: 2 })
  })

  it('refuses a file that is not JSON or not one of its own, naming it', () => {
    const folder = dir()
    writeFileSync(join(folder, 'broken.json'), '{')
    expect(() => readDataFile(join(folder, 'broken.json'))).toThrow(`The data file ${join(folder, 'broken.json')} is not valid JSON`)
    writeFileSync(join(folder, 'other.json'), '{"name": "package"}')
    expect(() => readDataFile(join(folder, 'other.json'))).toThrow('was not written by the reference server')
    expect(() => readDataFile(folder)).toThrow(`Cannot read the data file ${folder}`)
  })
})
