import { parseArgs } from 'node:util'
import type { ReferenceServerOptions } from './config/options'

/** The command line's usage text. */
export const USAGE = `Usage: affitor-reference-server [options]

Runs the affitor reference tracking server: the tracking API, the Stripe webhook and a live
page at /__affitor/ that shows each click → lead → sale chain.

Options:
  --port <n>              port to listen on, 0 for a free one (default 4700)
  --host <host>           interface to listen on (default 127.0.0.1)
  --seed <file>           programs and partners as JSON (default: the built-in demo seed)
  --data <file>           keep what is recorded in this file (an append-only log) across
                          restarts; one server per file
  --durable               with --data, sync each write to the disk before answering
  --static <prefix>=<dir> serve a directory under a URL prefix (repeatable), e.g. --static /=./site
  --test-clock            enable POST /__affitor/clock to move the server clock
  --allowed-host <name>   accept this Host too (repeatable; .shop.test for a domain and its
                          subdomains); loopback names and allowed_origins hosts always are
  --inspection-token <t>  open /__affitor/ to other machines with this token (16+ characters),
                          sent as Authorization: Bearer <t> or ?token=<t>
  --quiet                 do not log requests
  -h, --help              show this help
`

/** Why a command line was refused; the message names the flag. */
export class CliError extends Error {}

/**
 * A `--port` value as a number from 0 to 65535; `undefined` for anything else, which the
 * caller refuses with {@link badPort}.
 */
export function readPort(value: string): number | undefined {
  return /^\d{1,5}$/.test(value) && +value < 65536 ? +value : undefined
}

/** The refusal of a bad `--port` value. */
export const badPort = (value: string) => `--port must be a number from 0 to 65535, not "${value}"`

/** What both command lines say when the port is taken. */
export const portInUse = (port: unknown) => `Port ${port} is in use: pass another with --port, or --port 0 for a free one\n`

/**
 * Reads the command line's arguments (without `node` and the script) into server options, or
 * `{ help: true }` for `--help`. Throws a {@link CliError} for an unknown flag or a bad value.
 */
export function parseCliArgs(argv: readonly string[]): { help: true } | { help: false; options: ReferenceServerOptions } {
  let values
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        data: { type: 'string' },
        durable: { type: 'boolean' },
        static: { type: 'string', multiple: true },
        'test-clock': { type: 'boolean' },
        'allowed-host': { type: 'string', multiple: true },
        'inspection-token': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (error) {
    throw new CliError((error as Error).message)
  }
  if (values.help) return { help: true }
  const options: ReferenceServerOptions = {}
  if (values.port !== undefined) {
    options.port = readPort(values.port)
    if (options.port === undefined) throw new CliError(badPort(values.port))
  }
  if (values.host !== undefined) options.host = values.host
  if (values.seed !== undefined) options.seed = values.seed
  if (values.data !== undefined) options.dataFile = values.data
  if (values.durable) options.durable = true
  if (values['test-clock']) options.testClock = true
  if (values['allowed-host']) options.allowedHosts = values['allowed-host']
  if (values['inspection-token'] !== undefined) options.inspectionToken = values['inspection-token']
  if (values.static) {
    options.static = {}
    for (const mount of values.static) {
      const at = mount.indexOf('=')
      const prefix = mount.slice(0, at)
      if (at < 1 || !prefix.startsWith('/') || at == mount.length - 1) throw new CliError(`--static must be <prefix>=<dir> with a prefix starting with "/", not "${mount}"`)
      options.static[prefix] = mount.slice(at + 1)
    }
  }
  options.log = values.quiet ? false : console.log
  return { help: false, options }
}
