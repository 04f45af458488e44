#!/usr/bin/env node
/**
 * `affitor-reference-server`: the reference tracking server from the command line.
 * See {@link USAGE} for the flags.
 */
import { CliError, parseCliArgs, portInUse, USAGE } from './cli-args'
import { startReferenceServer } from './server'

async function main(argv: string[]): Promise<void> {
  const parsed = parseCliArgs(argv)
  if (parsed.help) {
    process.stdout.write(USAGE)
    return
  }
  const server = await startReferenceServer(parsed.options)
  process.stdout.write(`affitor reference server listening on ${server.url}\nlive page: ${server.url}/__affitor/\n`)
  const stop = () => server.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof CliError) process.stderr.write(`${error.message}\n\n${USAGE}`)
  else if (error.code == 'EADDRINUSE') process.stderr.write(portInUse(error.port))
  else process.stderr.write(`${error.message || error}\n`)
  process.exit(1)
})
