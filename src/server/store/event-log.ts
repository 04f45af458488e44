import fs from 'node:fs'
import { asTables, emptyState, table, TABLE_FIELDS, type State } from './records'

/*
 * The data file is an append-only log: a header line, then one JSON line per change, in the
 * order the changes were made. A change line holds what the change appended to the state's
 * arrays and the fields it set on records already stored:
 *
 *   {"format":"affitor-reference-server/2"}
 *   {"seq":1,"add":{"clicks":[…]}}
 *   {"seq":2,"add":{"leads":[…]},"set":[["customers",0,{"visitor_id":"vis_…"}]]}
 *
 * Lines are written in groups (every change made while the previous group was being written),
 * each group with one write and, when `durable` is on, one `fdatasync`, before any of its
 * changes is answered. Replaying the lines at start gives the state back; a last line cut short
 * by a crash was never answered, and is cut off. When the log has grown to twice what it held
 * after its last compaction, it is rewritten as the lines that build the current state, through
 * a temporary file renamed over it.
 */

/** The first line of a data file. */
export const FORMAT = 'affitor-reference-server/2'
/** The whole-file JSON that earlier versions wrote, read once and rewritten as a log. */
const LEGACY_FORMAT = 'affitor-reference-server/1'

/** A field set on a stored record (by collection and position) or on a table (`answers`, `subscriptions`, `payment_invoices`). */
export type SetEntry = [field: keyof State, position: number | null, patch: Record<string, unknown>]

/** One change as the log holds it. */
export interface LogEntry {
  seq?: number
  add?: Partial<Record<keyof State, unknown[]>>
  set?: SetEntry[]
  /** `POST /__affitor/reset`: everything before is forgotten. */
  reset?: true
}

/** A write that did not reach the disk: the changes it carried were undone and not answered. */
export class LogWriteError extends Error {
  constructor(
    readonly path: string,
    readonly cause: NodeJS.ErrnoException,
  ) {
    super(
      cause.code == 'ENOSPC' || cause.code == 'EDQUOT'
        ? `The data file ${path} cannot grow: no space left on the device. Nothing was recorded; free some space and send it again.`
        : `The data file ${path} cannot be written (${cause.code || cause.message}). Nothing was recorded; send it again.`,
    )
  }
}

/** What {@link openEventLog} is told. */
export interface EventLogOptions {
  /** `fdatasync` every group of lines before its changes are answered. @default false */
  durable?: boolean
  /** The size in bytes under which the log is never compacted. @default 8 MiB */
  compactAfterBytes?: number
  /** Where messages go (a write failing, writing again). @default console.error */
  log?: (line: string) => void
}

/** An open data file: the state it held, and where changes go. */
export interface EventLog {
  /** The state replayed from the file (empty for a new file). */
  readonly state: State
  /**
   * Queues `entry` and resolves once it is written (and synced when `durable`), in order with
   * every entry before it. When the write fails, `undo` is called, newest first, for this entry
   * and every later one not written yet, the file is cut back to what was written, and the
   * promise rejects with a {@link LogWriteError}. `snapshot` gives the state when the log is
   * compacted after the write.
   */
  append(entry: LogEntry, undo: () => void, snapshot: () => State): Promise<void>
  /** Writes what is queued, closes the file and releases the lock. */
  close(): Promise<void>
}

/** The lines of a state, about this many records each, that build it from nothing. */
const SNAPSHOT_CHUNK = 500

/**
 * Opens (or creates) the data file at `path`: takes its lock, replays it, and is ready to
 * append. Throws an `Error` naming the file when another server holds it, when it cannot be
 * read, or when a line other than a cut-short last one is not a change.
 */
export function openEventLog(path: string, options: EventLogOptions = {}): EventLog {
  const durable = !!options.durable
  const floor = options.compactAfterBytes ?? 8 * 1024 * 1024
  const tell = options.log || ((line: string) => console.error(line))
  // A message that cannot be logged stops nothing: the writes go on.
  const say = (line: string) => {
    try {
      tell(line)
    } catch {
      // The log callback failed.
    }
  }
  const releaseLock = takeLock(path)
  let fd: number
  let state: State
  let size: number
  try {
    ;({ fd, state, size } = replay(path))
  } catch (error) {
    releaseLock()
    throw error
  }
  let compactedSize = size

  interface Queued {
    line: string
    undo: () => void
    done: () => void
    fail: (error: LogWriteError) => void
  }
  let queue: Queued[] = []
  let writing: Promise<void> | undefined
  let failing = false
  let lastSnapshot: (() => State) | undefined
  let closed = false

  const writeAll = (buffer: Buffer, at: number) =>
    new Promise<void>((resolve, reject) => {
      const next = (offset: number) =>
        offset == buffer.length
          ? resolve()
          : fs.write(fd, buffer, offset, buffer.length - offset, at + offset, (error, written) => (error ? reject(error) : next(offset + written)))
      next(0)
    })
  const sync = () => new Promise<void>((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())))

  async function drain(): Promise<void> {
    // `writing` is cleared in the same turn as the queue is found empty, so an entry appended
    // afterwards starts a new drain.
    for (;;) {
      if (!queue.length) return void (writing = undefined)
      const group = queue
      queue = []
      const buffer = Buffer.from(group.map((queued) => queued.line).join(''))
      try {
        await writeAll(buffer, size)
        if (durable) await sync()
        size += buffer.length
      } catch (error) {
        // Everything queued since depends on what failed: undo it all, newest first.
        const undone = [...group, ...queue]
        queue = []
        for (let i = undone.length - 1; i >= 0; i--) undone[i].undo()
        try {
          fs.ftruncateSync(fd, size)
        } catch {
          // Replay cuts a partial last line off anyway.
        }
        const failure = new LogWriteError(path, error as NodeJS.ErrnoException)
        for (const queued of undone) queued.fail(failure)
        if (!failing) say(`[affitor reference server] ${failure.message}`)
        failing = true
        continue
      }
      for (const queued of group) queued.done()
      if (failing) say(`[affitor reference server] writing the data file ${path} again`)
      failing = false
      if (!queue.length && size >= Math.max(floor, 2 * compactedSize) && lastSnapshot) compact(lastSnapshot())
    }
  }

  /** Rewrites the log as the lines of `current`; on failure the log stays as it was. */
  function compact(current: State): void {
    const temporary = `${path}.${process.pid}.compact`
    let out: number | undefined
    try {
      // Written and kept open: once renamed over the log it is the log, with no second open to fail.
      out = fs.openSync(temporary, 'w+')
      let written = 0
      for (const line of snapshotLines(current)) written += fs.writeSync(out, line)
      fs.fsyncSync(out)
      fs.renameSync(temporary, path)
      const old = fd
      fd = out
      out = undefined
      size = compactedSize = written
      try {
        fs.closeSync(old)
      } catch {
        // Closed already: nothing to release.
      }
    } catch (error) {
      if (out !== undefined) fs.closeSync(out)
      try {
        fs.unlinkSync(temporary)
      } catch {
        // Not created.
      }
      // Tried again once the log has grown by as much again.
      compactedSize = size
      say(`[affitor reference server] could not compact the data file ${path}: ${(error as Error).message}`)
    }
  }

  return {
    state,
    append(entry, undo, snapshot) {
      if (closed) {
        // Its file descriptor may be another file's by now: the change is undone, not written anywhere.
        undo()
        return Promise.reject(new LogWriteError(path, Object.assign(new Error('the data file is closed'), { code: 'ECLOSED' })))
      }
      lastSnapshot = snapshot
      return new Promise<void>((done, fail) => {
        queue.push({ line: JSON.stringify(entry) + '\n', undo, done, fail })
        writing ||= drain()
      })
    },
    async close() {
      if (closed) return
      closed = true
      while (writing) await writing
      fs.closeSync(fd)
      releaseLock()
    },
  }
}

/** The lines that build `state` from nothing: the header, then its records in groups. */
export function* snapshotLines(state: State): Generator<string> {
  yield JSON.stringify({ format: FORMAT }) + '\n'
  for (const field of Object.keys(state) as (keyof State)[]) {
    const value = state[field]
    if (Array.isArray(value)) {
      for (let start = 0; start < value.length; start += SNAPSHOT_CHUNK) {
        yield JSON.stringify({ add: { [field]: value.slice(start, start + SNAPSHOT_CHUNK) } }) + '\n'
      }
    } else if (value && typeof value == 'object') {
      const keys = Object.keys(value)
      for (let start = 0; start < keys.length; start += SNAPSHOT_CHUNK) {
        const patch = table<unknown>()
        for (const key of keys.slice(start, start + SNAPSHOT_CHUNK)) patch[key] = (value as Record<string, unknown>)[key]
        yield JSON.stringify({ set: [[field, null, patch]] }) + '\n'
      }
    }
  }
  yield JSON.stringify({ seq: state.seq }) + '\n'
}

/** Applies one logged change to `state` (replay); returns the state to go on with. */
export function applyEntry(state: State, entry: LogEntry): State {
  if (entry.reset) state = emptyState()
  // Only the state's own fields: a file naming `__proto__` or `constructor` is damaged, not obeyed.
  const own = (field: string) => Object.prototype.hasOwnProperty.call(state, field)
  if (entry.add) {
    for (const field of Object.keys(entry.add) as (keyof State)[]) {
      const target = own(field) ? state[field] : undefined
      const items = entry.add[field]
      if (!Array.isArray(target) || !Array.isArray(items)) throw new Error(`"add" names ${field}, which is not a list`)
      for (const item of items) (target as unknown[]).push(item)
    }
  }
  for (const [field, position, patch] of entry.set || []) {
    const container = own(field) ? (state[field] as unknown) : undefined
    const target =
      position === null
        ? TABLE_FIELDS.includes(field)
          ? container
          : undefined
        : Array.isArray(container) && Number.isInteger(position) && position >= 0
          ? container[position]
          : undefined
    if (!target || typeof target != 'object' || !patch || typeof patch != 'object') throw new Error(`"set" names ${field}[${position}], which is not stored`)
    // A table has no prototype to reach; on a record, `__proto__` would be its prototype, not a field.
    for (const key of Object.keys(patch)) if (position === null || key != '__proto__') (target as Record<string, unknown>)[key] = patch[key]
  }
  if (typeof entry.seq == 'number') state.seq = entry.seq
  return state
}

/** Reads the log at `path` (creating it when missing) and leaves it open for appending. */
function replay(path: string): { fd: number; state: State; size: number } {
  let fd: number
  try {
    fd = fs.openSync(path, 'r+')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code != 'ENOENT') throw new Error(`Cannot read the data file ${path}: ${(error as Error).message}`)
    const header = JSON.stringify({ format: FORMAT }) + '\n'
    fs.writeFileSync(path, header, { flag: 'wx' })
    return { fd: fs.openSync(path, 'r+'), state: emptyState(), size: Buffer.byteLength(header) }
  }
  try {
    let state = emptyState()
    let good = 0
    let lineNumber = 0
    for (const { text, end, complete } of lines(fd)) {
      lineNumber++
      // A header cut short as the file was created: nothing was ever written after it.
      if (lineNumber == 1 && !complete && (JSON.stringify({ format: FORMAT }) + '\n').startsWith(text)) break
      if (lineNumber == 1 && !text.startsWith('{"format":"' + FORMAT)) {
        fs.closeSync(fd)
        return migrate(path)
      }
      if (!complete) break
      let entry: LogEntry & { format?: string }
      try {
        entry = JSON.parse(text)
        if (lineNumber > 1) state = applyEntry(state, entry)
      } catch (error) {
        throw new Error(`The data file ${path} is damaged at line ${lineNumber}: ${(error as Error).message}`)
      }
      good = end
    }
    // A line cut short by a crash was never answered: it goes.
    if (good < fs.fstatSync(fd).size) fs.ftruncateSync(fd, good)
    // Nothing whole in the file, not even its header (cut short as it was created): it starts again.
    if (good == 0) {
      const header = Buffer.from(JSON.stringify({ format: FORMAT }) + '\n')
      fs.writeSync(fd, header, 0, header.length, 0)
      good = header.length
    }
    return { fd, state: asTables(state), size: good }
  } catch (error) {
    try {
      fs.closeSync(fd)
    } catch {
      // Closed already.
    }
    throw error
  }
}

/** Reads a data file of the earlier whole-JSON format and rewrites it as a log. */
function migrate(path: string): { fd: number; state: State; size: number } {
  let parsed: { format?: string; state?: Partial<State> }
  try {
    parsed = JSON.parse(fs.readFileSync(path, 'utf8'))
  } catch (error) {
    throw new Error(`The data file ${path} is not valid JSON: ${(error as Error).message}`)
  }
  if (parsed?.format != LEGACY_FORMAT || typeof parsed.state != 'object' || !parsed.state) {
    throw new Error(`The data file ${path} was not written by the reference server (expected the first line {"format":"${FORMAT}"})`)
  }
  // The fields this version keeps; others (`visitors`, kept by earlier versions, is its clicks') are left out.
  const state = emptyState()
  for (const field of Object.keys(state) as (keyof State)[]) if (parsed.state[field] !== undefined) (state as unknown as Record<string, unknown>)[field] = parsed.state[field]
  asTables(state)
  const temporary = `${path}.${process.pid}.compact`
  const text = [...snapshotLines(state)].join('')
  fs.writeFileSync(temporary, text)
  fs.renameSync(temporary, path)
  return { fd: fs.openSync(path, 'r+'), state, size: Buffer.byteLength(text) }
}

/** The lines of an open file, read in blocks: the text, where it ends, and whether a newline ended it. */
function* lines(fd: number): Generator<{ text: string; end: number; complete: boolean }> {
  const block = Buffer.alloc(1024 * 1024)
  let carry: Buffer[] = []
  let carried = 0
  let position = 0
  for (;;) {
    const read = fs.readSync(fd, block, 0, block.length, position)
    if (read == 0) break
    let start = 0
    for (let at = block.indexOf(10, 0); at != -1 && at < read; at = block.indexOf(10, at + 1)) {
      const piece = block.subarray(start, at)
      const text = carried ? Buffer.concat([...carry, piece]).toString('utf8') : piece.toString('utf8')
      carry = []
      carried = 0
      yield { text, end: position + at + 1, complete: true }
      start = at + 1
    }
    if (start < read) {
      carry.push(Buffer.from(block.subarray(start, read)))
      carried += read - start
    }
    position += read
  }
  if (carried) yield { text: Buffer.concat(carry).toString('utf8'), end: position, complete: false }
}

/** The locks this process holds: a lock naming this process's pid but not held here is a former process's (a container restarts as the same pid). */
const heldHere = new Set<string>()

/**
 * Takes `<path>.lock` for this process, or throws naming the process that holds it. A lock left
 * by a process that is gone (killed, crashed) is taken over: replaced whole (written beside it,
 * renamed over it), then read back, so that of two servers taking it over at once one wins.
 * Returns the function releasing it.
 */
function takeLock(path: string): () => void {
  const lock = `${path}.lock`
  const inUse = (holder: string) =>
    new Error(`The data file ${path} is in use by another reference server (${holder}): stop it, or give this server another data file (if no server runs, remove ${lock})`)
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code != 'EEXIST') throw new Error(`Cannot lock the data file ${path} (${lock}): ${(error as Error).message}`)
    const text = String(fs.readFileSync(lock, 'utf8')).trim()
    const holder = Number(text)
    // Empty: another server is writing its pid into it this very moment, unless that was long ago.
    if (!text && Date.now() - fs.statSync(lock).mtimeMs < 10_000) throw inUse('being taken')
    const ours = holder == process.pid
    if (Number.isInteger(holder) && holder > 0 && (ours ? heldHere.has(lock) : alive(holder))) throw inUse(`process ${holder}${ours ? ', this one' : ''}`)
    const temporary = `${lock}.${process.pid}.${Date.now()}`
    fs.writeFileSync(temporary, String(process.pid))
    fs.renameSync(temporary, lock)
    const now = String(fs.readFileSync(lock, 'utf8')).trim()
    if (now != String(process.pid)) throw inUse(`process ${now}`)
  }
  heldHere.add(lock)
  let released = false
  return () => {
    if (released) return
    released = true
    heldHere.delete(lock)
    try {
      fs.unlinkSync(lock)
    } catch {
      // Removed by hand already.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code == 'EPERM'
  }
}
