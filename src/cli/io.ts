import { createInterface } from 'node:readline/promises'

/** Where a command writes and how it asks: the process's streams, or a test's fakes. */
export interface CliIo {
  /** Writes to standard output: results, and nothing else in `--json` mode. */
  out(text: string): void
  /** Writes to standard error: errors, warnings and prompts. */
  err(text: string): void
  /**
   * Asks a yes/no question and answers `true` for yes. `undefined` when no one can answer
   * (standard input is not a terminal): a command then refuses what needs a yes.
   */
  ask?: (question: string) => Promise<boolean>
}

/** The process's own streams; it can ask only when standard input is a terminal. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    ...(process.stdin.isTTY && {
      async ask(question: string) {
        // The prompt goes to stderr, so stdout stays the command's result (`--json`).
        const prompt = createInterface({ input: process.stdin, output: process.stderr })
        try {
          return /^y(es)?$/i.test((await prompt.question(question)).trim())
        } finally {
          prompt.close()
        }
      },
    }),
  }
}
