import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto'
import { openEventLog, type EventLog, type EventLogOptions, type LogEntry, type SetEntry } from './event-log'
import { createIndexes, type Collection, type Indexes } from './indexes'
import { flat } from './interned'
import { emptyState, TABLE_FIELDS, type State } from './records'
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
  /** Everything recorded: clicks, customers, leads, sales, commissions, refunds. */
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
   * rethrown; otherwise the change is queued for the data file, if any (see
   * {@link ReferenceStore.written}). Calls may nest: only the outermost one saves or rolls back.
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
  /**
   * Resolves once every change made so far is in the data file (and synced to the disk with
   * `durable`); at once without a data file. Rejects with a `LogWriteError` when a write failed:
   * then those changes, and every later one not written yet, have been undone.
   */
  written(): Promise<void>
  /** Writes what is queued and closes the data file, releasing its lock. */
  close(): Promise<void>
  /** Counts the changes: it grows with each one, a reset and an undone write, so an unchanged value means an unchanged state. */
  readonly version: number
  /**
   * Calls `listener` after each change with what it appended and the records it updated (with
   * their fields' values before), or with `null` when the state was replaced or put back (a
   * reset, a write that failed): then read it again whole. Returns the function that stops it.
   */
  watch(listener: (change: StoreChange | null) => void): () => void
}

/** What one change did, for {@link ReferenceStore.watch}. */
export interface StoreChange {
  /** What it appended to each array. */
  added: Partial<Record<ArrayField, unknown[]>>
  /** What it updated in place, each target once, with the array it is in (none for a table) and the values its fields held before. */
  updated: { target: object; collection?: Collection; before: Record<string, unknown> }[]
}

/** Where a store keeps its changes. */
export interface StoreFileOptions extends EventLogOptions {
  /** The data file: an append-only log replayed at start. None: memory only. */
  dataFile?: string
}

/**
 * A store for `programs`. With `dataFile`, the state logged there is replayed (a missing file is
 * an empty state) and every change is appended to it; a file that cannot be read, or that
 * another server holds, throws an `Error`.
 */
export function createStore(programs: readonly Program[], { dataFile, ...logOptions }: StoreFileOptions = {}): ReferenceStore {
  const log: EventLog | undefined = dataFile ? openEventLog(dataFile, logOptions) : undefined
  let state = log ? log.state : emptyState()
  let indexes = createIndexes(state)
  /** What the change under way can be undone with; `undefined` between changes. */
  let journal: Journal | undefined
  /** The last change queued for the data file: written once it is. */
  let last: Promise<void> = Promise.resolve()
  const snapshot = () => state
  let version = 0
  const listeners = new Set<(change: StoreChange | null) => void>()
  /** Tells the listeners (a listener that throws does not stop the change, nor the others). */
  const tell = (change: StoreChange | null) => {
    version++
    for (const listener of listeners) {
      try {
        listener(change)
      } catch {
        // A view that failed to follow; it reads the state whole at its next `null`.
      }
    }
  }

  function rollBack({ seq, lengths, undo }: Journal): void {
    for (let i = undo.length - 1; i >= 0; i--) {
      const { target, key, had, value } = undo[i]
      indexes.rekey(target, () => (had ? (target[key] = value) : delete target[key]))
    }
    indexes.forget(lengths)
    for (const field in lengths) (state[field as ArrayField] as unknown[]).length = lengths[field as ArrayField]!
    state.seq = seq
  }

  /** Queues `entry` for the data file; `undo` takes it back out of memory if the write fails. */
  function save(entry: LogEntry, undo: () => void): void {
    if (!log) return
    const saved = log.append(entry, undo, snapshot)
    // Awaited by whoever answers; a change made from code and never awaited must not be an unhandled rejection.
    saved.catch(() => {
      // Undone: what is in memory now is what is on disk.
      if (last === saved) last = Promise.resolve()
    })
    last = saved
  }

  /** The log entry of a change that `started` began: what it appended and what it set. */
  function entryOf(started: Journal): LogEntry | undefined {
    const add: LogEntry['add'] = {}
    let added = false
    for (const field in started.lengths) {
      const array = state[field as ArrayField] as unknown[]
      const from = started.lengths[field as ArrayField]!
      if (array.length > from) {
        add[field as ArrayField] = array.slice(from)
        added = true
      }
    }
    if (!added && !started.set.length && state.seq == started.seq) return undefined
    return { seq: state.seq, ...(added && { add }), ...(started.set.length && { set: started.set }) }
  }

  /** What a change did, from its journal: each updated target once, with its fields' first values. */
  function changeOf(started: Journal, entry: LogEntry): StoreChange {
    const updated = new Map<object, Record<string, unknown>>()
    // A record appended by the change is in `added` as it ends up.
    const appended = new Set<unknown>(Object.values(entry.add || {}).flat())
    for (const { target, key, had, value } of started.undo) {
      if (appended.has(target)) continue
      let before = updated.get(target)
      if (!before) updated.set(target, (before = {}))
      if (!(key in before)) before[key] = had ? value : undefined
    }
    return { added: entry.add || {}, updated: [...updated].map(([target, before]) => ({ target, collection: started.places.get(target), before })) }
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
    id: randomId,
    change(apply) {
      if (journal) return apply(state)
      const started: Journal = (journal = { seq: state.seq, lengths: {}, undo: [], set: [], places: new Map() })
      for (const field in state) {
        const value = state[field as keyof State]
        if (Array.isArray(value)) started.lengths[field as ArrayField] = value.length
      }
      try {
        const result = apply(state)
        // In memory and unwatched, nothing needs to know what the change did.
        if (!log && !listeners.size) {
          version++
          return result
        }
        const entry = entryOf(started)
        if (entry) {
          save(entry, () => {
            rollBack(started)
            tell(null)
          })
          if (listeners.size) tell(changeOf(started, entry))
          else version++
        }
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
      const place = indexes.rekey(target, () => Object.assign(target, patch))
      if (place) journal.places.set(target, place.collection)
      const table = TABLE_FIELDS.find((field) => state[field] === target)
      if (table) journal.set.push([table, null, patch as Record<string, unknown>])
      else if (!place) throw new Error('store.update() changes what is stored: a record with an id, or a table such as answers or subscriptions')
      // A record appended by this change is logged whole, as it ends up.
      else if (place.position < (journal.lengths[place.collection] ?? Infinity)) journal.set.push([place.collection, place.position, patch as Record<string, unknown>])
      return target
    },
    reset() {
      const before = { state, indexes }
      state = emptyState()
      indexes = createIndexes(state)
      save({ reset: true }, () => {
        ;({ state, indexes } = before)
        tell(null)
      })
      tell(null)
    },
    get version() {
      return version
    },
    watch(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    written: () => last,
    close: async () => {
      await log?.close()
    },
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
  /** What the change set on what was stored before it, for the data file. */
  set: SetEntry[]
  /** The array each record it updated is in. */
  places: Map<object, Collection>
}

/** Random bytes drawn a few thousand at a time: one call per id costs more than the id. */
const pool = Buffer.alloc(4096)
let poolAt = pool.length

/** A new random id such as `clk_3f9a0c1d2e4b5a69`: 64 random bits in hex after the prefix. */
function randomId(prefix: string): string {
  if (poolAt + 8 > pool.length) {
    randomFillSync(pool)
    poolAt = 0
  }
  const hex = pool.toString('hex', poolAt, (poolAt += 8))
  return flat(`${prefix}_${hex}`)
}

/** Compares two secrets in constant time: their SHA-256 digests, so that lengths leak nothing either. */
export function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(a), digest(b))
}
