import { parseArgs, type ParseArgsConfig } from 'node:util'
import { badPort, readPort } from '../server/cli-args'

/** The usage text of each command, and of the command line as a whole (`main`). */
export const USAGE = Object.freeze({
  main: `Usage: affitor-tracker <command> [options]

Commands:
  init          print (or write) the tracking snippet for this project's framework
  dev           run the reference tracking server with its live page, for local development
  test chain    send a test click, lead and sale and check the sale is attributed

Run "affitor-tracker <command> --help" for a command's options.
`,
  init: `Usage: affitor-tracker init --program-id <id> [options]

Detects the project's framework from its package.json: Next.js (App Router or Pages Router),
Nuxt, SvelteKit, Astro, Remix, React Router (framework mode), Vite + React, any other Vite
app, else an Express, Fastify or Hono server, else plain HTML. Prints the snippet that
installs the tracker, with the signup call and a pointer for the backend; for a server, the
backend client and the first-party endpoint, with the lead and the sale.

Options:
  --program-id <id>  your affitor program id (required)
  --dir <dir>        the project directory (default: the current one)
  --api-base <url>   the tracking API, e.g. http://localhost:4700 for "affitor-tracker dev"
                     (default: the hosted API)
  --nonce <nonce>    plain HTML under a Content-Security-Policy: put this nonce on the
                     tags, with the inline stub, e.g. --nonce '{{ csp_nonce }}'
  --write            also write the snippet into the new file it names, such as
                     affitor.snippet.html (HTML), src/affitor.jsx (Vite + React),
                     app/affitor-provider.tsx (App Router), plugins/affitor.client.ts (Nuxt),
                     src/hooks.client.ts (SvelteKit), src/components/Affitor.astro (Astro),
                     app/affitor.tsx (Remix, React Router) or affitor.js (a server); .ts or
                     .js after the project. An existing file is never overwritten without
                     asking.
  --yes              overwrite that file without asking
  --json             print one JSON object: { framework, programId, install, files, snippet }
  -h, --help         show this help
`,
  dev: `Usage: affitor-tracker dev [options]

Runs the reference tracking server with its live page (/__affitor/), which shows each
click → lead → sale chain as it happens, and prints the demo program's id, API key and
Stripe webhook secret. Stop it with Ctrl+C.

Options:
  --port <n>     port to listen on, 0 for a free one (default 4700)
  --host         listen on every interface (0.0.0.0), not only on 127.0.0.1
  --seed <file>  programs and partners as JSON (default: the built-in demo seed)
  --data <file>  keep what is recorded in this file (an append-only log) across restarts
  --json         print the URLs and keys as one JSON object, and no request log
  -h, --help     show this help
`,
  testChain: `Usage: affitor-tracker test chain [options]

Sends a test click on a partner's link, a lead for a new customer tied to that click, and a
100-cent sale for that customer, then checks that the sale is attributed to the partner.
Without --api-base it starts a reference server on a free port for the test and stops it after.
Exits 0 when the chain is attributed to the partner, 1 when it is broken.

Options:
  --api-base <url>   the tracking API to test (default: a local reference server)
  --api-key <key>    the program's secret API key, for the sale (required with --api-base)
  --program-id <id>  the program (default with a local server: its demo program)
  --partner <code>   the partner whose link is clicked (default P1)
  --json             print one JSON object: { ok, apiBase, steps }
  -h, --help         show this help
`,
})

/** A command line that cannot run: the message names the flag; `usage` is the text to show with it. */
export class CliError extends Error {
  override name = 'CliError'
  constructor(
    message: string,
    readonly usage: string = USAGE.main,
  ) {
    super(message)
  }
}

/** `affitor-tracker init` options. */
export interface InitOptions {
  programId: string
  /** The project directory. */
  dir: string
  apiBase?: string
  /** The Content-Security-Policy nonce for the HTML snippet's tags, as the page's template writes it. */
  nonce?: string
  write: boolean
  yes: boolean
  json: boolean
}

/** `affitor-tracker dev` options. */
export interface DevOptions {
  port: number
  /** Listen on every interface instead of 127.0.0.1. */
  host: boolean
  seed?: string
  dataFile?: string
  json: boolean
}

/** `affitor-tracker test chain` options. */
export interface TestChainOptions {
  /** The endpoint to test; a local reference server when unset. */
  apiBase?: string
  apiKey?: string
  programId?: string
  partner: string
  json: boolean
}

/** What a command line asks for: a usage text to print, or a command with its options. */
export type Command =
  | { command: 'help'; usage: string }
  | { command: 'init'; options: InitOptions }
  | { command: 'dev'; options: DevOptions }
  | { command: 'test-chain'; options: TestChainOptions }

/**
 * Reads the command line's arguments (without `node` and the script). Throws a {@link CliError}
 * for an unknown command, an unknown flag or a bad value.
 */
export function parseCommandLine(argv: readonly string[], cwd = process.cwd()): Command {
  const [command, ...rest] = argv
  if (command == 'init') return parseInit(rest, cwd)
  if (command == 'dev') return parseDev(rest)
  if (command == 'test') {
    if (rest[0] == 'chain') return parseTestChain(rest.slice(1))
    if (rest[0] == '-h' || rest[0] == '--help') return { command: 'help', usage: USAGE.testChain }
    throw new CliError(rest[0] === undefined ? 'test: missing what to test, "chain"' : `test: unknown test "${rest[0]}", expected "chain"`, USAGE.testChain)
  }
  if (command == '-h' || command == '--help' || command == 'help') return { command: 'help', usage: USAGE.main }
  if (command === undefined) throw new CliError('missing command')
  if (command.startsWith('-')) throw new CliError(`unknown option ${command}`)
  throw new CliError(`unknown command "${command}"`)
}

function parseInit(argv: string[], cwd: string): Command {
  const values = read(argv, USAGE.init, {
    'program-id': { type: 'string' },
    dir: { type: 'string' },
    'api-base': { type: 'string' },
    nonce: { type: 'string' },
    write: { type: 'boolean' },
    yes: { type: 'boolean' },
    json: { type: 'boolean' },
  })
  if (values.help) return { command: 'help', usage: USAGE.init }
  const fail = (message: string) => new CliError(message, USAGE.init)
  if (values['program-id'] === undefined) throw fail('--program-id is required: your affitor program id, e.g. --program-id 123')
  if (values.yes && !values.write) throw fail('--yes answers the overwrite question of --write: pass --write too')
  return {
    command: 'init',
    options: {
      programId: programId(values['program-id'], USAGE.init),
      dir: values.dir === undefined ? cwd : nonEmpty('--dir', values.dir, USAGE.init),
      ...(values['api-base'] !== undefined && { apiBase: apiBase(values['api-base'], USAGE.init) }),
      ...(values.nonce !== undefined && { nonce: nonce(values.nonce) }),
      write: !!values.write,
      yes: !!values.yes,
      json: !!values.json,
    },
  }
}

function parseDev(argv: string[]): Command {
  const values = read(argv, USAGE.dev, {
    port: { type: 'string' },
    host: { type: 'boolean' },
    seed: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
  })
  if (values.help) return { command: 'help', usage: USAGE.dev }
  const { port = '4700' } = values
  const number = readPort(port)
  if (number === undefined) throw new CliError(badPort(port), USAGE.dev)
  return {
    command: 'dev',
    options: {
      port: number,
      host: !!values.host,
      ...(values.seed !== undefined && { seed: nonEmpty('--seed', values.seed, USAGE.dev) }),
      ...(values.data !== undefined && { dataFile: nonEmpty('--data', values.data, USAGE.dev) }),
      json: !!values.json,
    },
  }
}

function parseTestChain(argv: string[]): Command {
  const values = read(argv, USAGE.testChain, {
    'api-base': { type: 'string' },
    'api-key': { type: 'string' },
    'program-id': { type: 'string' },
    partner: { type: 'string' },
    json: { type: 'boolean' },
  })
  if (values.help) return { command: 'help', usage: USAGE.testChain }
  const usage = USAGE.testChain
  if (values['api-base'] === undefined && values['api-key'] !== undefined) {
    throw new CliError('--api-key goes with --api-base: without it the test runs against a local server and its demo key', usage)
  }
  if (values['api-base'] !== undefined && values['api-key'] === undefined) {
    throw new CliError('--api-key is required with --api-base: the sale API needs the program\'s secret key', usage)
  }
  const partner = nonEmpty('--partner', values.partner ?? 'P1', usage)
  return {
    command: 'test-chain',
    options: {
      ...(values['api-base'] !== undefined && { apiBase: apiBase(values['api-base'], usage) }),
      ...(values['api-key'] !== undefined && { apiKey: nonEmpty('--api-key', values['api-key'], usage) }),
      ...(values['program-id'] !== undefined && { programId: programId(values['program-id'], usage) }),
      partner,
      json: !!values.json,
    },
  }
}

/** `parseArgs` in strict mode with `-h`/`--help` added; its errors become {@link CliError}s. */
function read<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], usage: string, options: T) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options: { ...options, help: { type: 'boolean', short: 'h' } } }).values
  } catch (error) {
    // One line: some of Node's messages add hints on lines of their own.
    throw new CliError((error as Error).message.replace(/\s*\n\s*/g, ' '), usage)
  }
}

function nonEmpty(flag: string, value: string, usage: string): string {
  if (!value.trim()) throw new CliError(`${flag} must not be empty`, usage)
  return value.trim()
}

/** A program id goes into HTML attributes and source code, so it is held to id characters. */
function programId(value: string, usage: string): string {
  if (!/^[\w.:-]{1,100}$/.test(value)) throw new CliError(`--program-id must be made of letters, digits, "_", "-", "." or ":", not "${value}"`, usage)
  return value
}

/** A nonce goes into a double-quoted attribute: anything a template writes, but no quote or line break. */
function nonce(value: string): string {
  if (!value.trim() || /["\r\n]/.test(value)) throw new CliError(`--nonce must be the nonce or the template expression that writes it, without quotes or line breaks, not ${JSON.stringify(value)}`, USAGE.init)
  return value.trim()
}

/** The API base goes into HTML attributes and quoted strings: no quotes, backslashes or spaces. */
function apiBase(value: string, usage: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    // Reported below.
  }
  if (!url || (url.protocol != 'http:' && url.protocol != 'https:') || /["'`<>\\\s]/.test(value)) {
    throw new CliError(`--api-base must be an http(s) URL such as http://localhost:4700, not "${value}"`, usage)
  }
  return value.replace(/\/+$/, '')
}
