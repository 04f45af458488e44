import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { emptyState, table, type State } from './records'

/** Marks a file as this server's, so that another JSON file is not mistaken for one. */
const FORMAT = 'affitor-reference-server/1'

/** What a data file holds. Programs are not in it: they always come from the seed. */
export interface DataFile {
  format: typeof FORMAT
  state: State
}

/** The data file's contents for `state`. */
export const toDataFile = (state: State): DataFile => ({ format: FORMAT, state })

/**
 * The state saved in `path`, or `undefined` when there is no such file yet. Throws an `Error`
 * naming the file when it cannot be read or is not one of this server's data files.
 */
export function readDataFile(path: string): State | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code == 'ENOENT') return undefined
    throw new Error(`Cannot read the data file ${path}: ${(error as Error).message}`)
  }
  let parsed: Partial<DataFile>
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`The data file ${path} is not valid JSON: ${(error as Error).message}`)
  }
  if (parsed?.format != FORMAT || typeof parsed.state != 'object' || !parsed.state) {
    throw new Error(`The data file ${path} was not written by the reference server (expected "format": "${FORMAT}")`)
  }
  // Fields added in later versions start empty.
  const state = { ...emptyState(), ...parsed.state }
  // As the store keeps them: tables without a prototype (JSON.parse gives `__proto__` as a key, but an object that has one).
  return { ...state, subscriptions: table(state.subscriptions), answers: table(state.answers) }
}

/**
 * Saves `state` to `path` atomically: written to a temporary file beside it, then renamed over
 * it, so that a crash leaves the old file or the new one, never half of one.
 */
export function writeDataFile(path: string, state: State): void {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, JSON.stringify(toDataFile(state), null, 2) + '\n')
  renameSync(temporary, path)
}
