import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readDataFile, toDataFile, writeDataFile, type DataFile } from './data-file'
import { createIndexes, type Indexes } from './indexes'
import { emptyState, type State } from './records'
import type { Program } from '../config/seed'

/**
 * The reference server's memory: the seed's programs and everything recorded since. Read
 * `state` freely, and look records up through `indexes`; change it only inside
 * {@link ReferenceStore.change}, which applies a change entirely or not at all and saves it to
 * the data file.
 */
export interface ReferenceStore {
  /** The programs from the seed, in seed order. */
  readonly programs: readonly Program[]
  /** Everything recorded: visitors, clicks, customers, leads, sales, commissions, refunds. */
  readonly state: Readonly<State>
  /** Records by key (a click by id, a sale by transaction id…), found without scanning `state`. */
  readonly indexes: Indexes
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
   *
   * `apply` may append to the state's arrays and set `seq`; anything else that is already
   * stored (a record's field, a key of `answers` or `subscriptions`) it changes through
   * {@link ReferenceStore.update}, so that a rollback costs what the change touched, not what
   * the state holds.
   */
  change<T>(apply: (state: State) => T): T
  /**
   * Assigns `patch` to `target`, something already in the state (a record, `answers`,
   * `subscriptions`), remembering the fields' old values for a rollback and keeping `indexes`
   * right. Returns `target`. Throws an `Error` outside {@link ReferenceStore.change}.
   *
   * @example
   * store.change(() => store.update(customer, { visitor_id: click.visitor_id }))
   */
  update<T extends object>(target: T, patch: Partial<T>): T
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
  let indexes = createIndexes(state)
  /** What the change under way can be undone with; `undefined` between changes. */
  let journal: Journal | undefined
  // Rewriting the whole file costs in proportion to the state on every change: the data file is
  // for development, where a state that survives restarts matters more. Loads are measured on
  // the in-memory store, which writes nothing.
  const save = () => dataFile && writeDataFile(dataFile, state)

  function rollBack({ seq, lengths, undo }: Journal): void {
    for (let i = undo.length - 1; i >= 0; i--) {
      const { target, key, had, value } = undo[i]
      indexes.rekey(target, () => (had ? (target[key] = value) : delete target[key]))
    }
    indexes.forget(lengths)
    for (const field in lengths) (state[field as ArrayField] as unknown[]).length = lengths[field as ArrayField]!
    state.seq = seq
  }

  return {
    programs,
    get state() {
      return state
    },
    get indexes() {
      return indexes
    },
    program: (id) => (id == null ? undefined : programs.find((program) => program.id == String(id).trim())),
    // Every key is compared, in constant time, so the answer's timing tells nothing about a key.
    programByApiKey: (key) => programs.reduce<Program | undefined>((found, program) => (sameSecret(program.api_key, key) ? program : found), undefined),
    id: (prefix) => `${prefix}_${randomBytes(8).toString('hex')}`,
    change(apply) {
      if (journal) return apply(state)
      const started: Journal = (journal = { seq: state.seq, lengths: {}, undo: [] })
      for (const field in state) {
        const value = state[field as keyof State]
        if (Array.isArray(value)) started.lengths[field as ArrayField] = value.length
      }
      try {
        const result = apply(state)
        save()
        return result
      } catch (error) {
        rollBack(started)
        throw error
      } finally {
        journal = undefined
      }
    },
    update(target, patch) {
      if (!journal) throw new Error('store.update() changes the state: call it inside store.change()')
      const fields = target as Record<string, unknown>
      for (const key of Object.keys(patch)) {
        journal.undo.push({ target: fields, key, had: Object.prototype.hasOwnProperty.call(fields, key), value: fields[key] })
      }
      indexes.rekey(target, () => Object.assign(target, patch))
      return target
    },
    reset() {
      state = emptyState()
      indexes = createIndexes(state)
      save()
    },
    toJSON: () => toDataFile(state),
  }
}

/** The state's fields that are arrays, which a change may append to. */
type ArrayField = { [K in keyof State]: State[K] extends unknown[] ? K : never }[keyof State]

/** How to undo the change under way: what it appended is cut off, what it updated put back. */
interface Journal {
  seq: number
  /** The arrays' lengths before the change. */
  lengths: Partial<Record<ArrayField, number>>
  /** Each field {@link ReferenceStore.update} set, in order, with what it held before. */
  undo: { target: Record<string, unknown>; key: string; had: boolean; value: unknown }[]
}

/** Compares two secrets in constant time: their SHA-256 digests, so that lengths leak nothing either. */
export function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(a), digest(b))
}
