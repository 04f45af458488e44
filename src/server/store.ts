import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readDataFile, toDataFile, writeDataFile, type DataFile } from './data-file'
import { emptyState, type State } from './records'
import type { Program } from './seed'

/**
 * The reference server's memory: the seed's programs and everything recorded since. Read
 * `state` freely; change it only inside {@link ReferenceStore.change}, which applies a change
 * entirely or not at all and saves it to the data file.
 */
export interface ReferenceStore {
  /** The programs from the seed, in seed order. */
  readonly programs: readonly Program[]
  /** Everything recorded: visitors, clicks, customers, leads, sales, commissions, refunds. */
  readonly state: Readonly<State>
  /** The program with this id (a number and its string compare equal), or `undefined`. */
  program(id: unknown): Program | undefined
  /** The program whose secret API key this is, or `undefined`. */
  programByApiKey(key: string): Program | undefined
  /** A new random id such as `clk_3f9a0c1d2e4b5a69`. */
  id(prefix: string): string
  /**
   * Runs `apply` on the state. If it throws, the state is put back as it was and the error
   * rethrown; otherwise the data file, if any, is rewritten. Calls may nest: only the outermost
   * one saves or rolls back.
   */
  change<T>(apply: (state: State) => T): T
  /** Forgets everything recorded: back to the seed alone. */
  reset(): void
  /** What the data file holds. */
  toJSON(): DataFile
}

/**
 * A store for `programs`. With `dataFile`, the state saved there is loaded (a missing file is
 * an empty state) and every change is saved back; an unreadable file throws an `Error`.
 */
export function createStore(programs: readonly Program[], dataFile?: string): ReferenceStore {
  let state = (dataFile && readDataFile(dataFile)) || emptyState()
  let depth = 0
  const save = () => dataFile && writeDataFile(dataFile, state)

  return {
    programs,
    get state() {
      return state
    },
    program: (id) => (id == null ? undefined : programs.find((program) => program.id == String(id).trim())),
    // Every key is compared, in constant time, so the answer's timing tells nothing about a key.
    programByApiKey: (key) => programs.reduce<Program | undefined>((found, program) => (sameSecret(program.api_key, key) ? program : found), undefined),
    id: (prefix) => `${prefix}_${randomBytes(8).toString('hex')}`,
    change(apply) {
      if (depth) return apply(state)
      const before = structuredClone(state)
      depth++
      try {
        const result = apply(state)
        save()
        return result
      } catch (error) {
        state = before
        throw error
      } finally {
        depth--
      }
    },
    reset() {
      state = emptyState()
      save()
    },
    toJSON: () => toDataFile(state),
  }
}

/** Compares two secrets in constant time: their SHA-256 digests, so that lengths leak nothing either. */
export function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(a), digest(b))
}
