import { portInUse } from '../server/cli-args'
import { CliError, parseCommandLine } from './args'
import { startDev } from './dev'
import { runInit } from './init'
import type { CliIo } from './io'
import { runTestChain } from './test-chain'

/**
 * Runs one command line (the arguments without `node` and the script) and resolves with its exit
 * code: 0 done, 1 failed (a broken chain, a file not overwritten, a port in use), 2 a usage error,
 * reported on `io.err` as one line naming the flag, then the usage. Never rejects.
 *
 * `dev` runs until `stop` resolves (by default at SIGINT or SIGTERM), then closes its server.
 */
export async function runCli(argv: readonly string[], io: CliIo, stop: () => Promise<unknown> = signal): Promise<number> {
  try {
    const parsed = parseCommandLine(argv)
    switch (parsed.command) {
      case 'help':
        io.out(parsed.usage)
        return 0
      case 'init':
        return await runInit(parsed.options, io)
      case 'test-chain':
        return await runTestChain(parsed.options, io)
      case 'dev': {
        // Listening for the signal before the server says it is up: a Ctrl+C right after still stops it cleanly.
        const stopped = stop()
        const server = await startDev(parsed.options, io)
        await stopped
        await server.close()
        return 0
      }
    }
  } catch (error) {
    const { message, code, port } = error as { message?: string; code?: string; port?: number }
    if (error instanceof CliError) {
      io.err(`affitor-tracker: ${message}\n\n${error.usage}`)
      return 2
    }
    io.err(code == 'EADDRINUSE' ? portInUse(port) : `affitor-tracker: ${message || error}\n`)
    return 1
  }
}

/** Resolves at the first SIGINT or SIGTERM. */
const signal = () =>
  new Promise((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
