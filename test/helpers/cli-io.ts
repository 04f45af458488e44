import type { CliIo } from '../../src/cli/io'

/**
 * A command line's streams for a test: what it wrote to `out` and `err`, and the questions it
 * asked. `answer` is the reply to every question; left out, there is no terminal to ask on.
 */
export function fakeIo(answer?: boolean) {
  const written = { out: '', err: '' }
  const asked: string[] = []
  const io: CliIo = {
    out: (text) => void (written.out += text),
    err: (text) => void (written.err += text),
    ...(answer !== undefined && {
      ask: async (question: string) => {
        asked.push(question)
        return answer
      },
    }),
  }
  return {
    io,
    asked,
    get out() {
      return written.out
    },
    get err() {
      return written.err
    },
  }
}
