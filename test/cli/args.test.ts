// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { CliError, parseCommandLine, USAGE } from '../../src/cli/args'
import { FRAMEWORK_NAMES } from '../../src/cli/detect-framework'

/** The CliError a command line throws (failing the test when it throws none). */
function refusal(argv: string[]): CliError {
  try {
    parseCommandLine(argv, '/project')
  } catch (error) {
    expect(error).toBeInstanceOf(CliError)
    return error as CliError
  }
  throw new Error(`accepted: ${argv.join(' ')}`)
}

describe('parseCommandLine', () => {
  it('answers the main usage, listing the commands, for --help, -h and help', () => {
    for (const argv of [['--help'], ['-h'], ['help']]) expect(parseCommandLine(argv)).toEqual({ command: 'help', usage: USAGE.main })
    for (const command of ['init', 'dev', 'test chain']) expect(USAGE.main).toContain(`  ${command}`)
  })

  it('refuses a missing or unknown command, and a flag before any command, with the main usage', () => {
    expect(refusal([]).message).toBe('missing command')
    const unknown = refusal(['deploy'])
    expect(unknown.message).toBe('unknown command "deploy"')
    expect(unknown.usage).toBe(USAGE.main)
    expect(refusal(['--port', '1']).message).toBe('unknown option --port')
  })

  it('answers each command\'s own usage for --help and -h', () => {
    expect(parseCommandLine(['init', '--help'])).toEqual({ command: 'help', usage: USAGE.init })
    expect(parseCommandLine(['dev', '-h'])).toEqual({ command: 'help', usage: USAGE.dev })
    expect(parseCommandLine(['test', 'chain', '--help'])).toEqual({ command: 'help', usage: USAGE.testChain })
    expect(parseCommandLine(['test', '--help'])).toEqual({ command: 'help', usage: USAGE.testChain })
  })
})

describe('init arguments', () => {
  it("names every framework init detects in init's usage", () => {
    const usage = USAGE.init.replace(/\s+/g, ' ')
    for (const name of Object.values(FRAMEWORK_NAMES)) expect(usage).toContain(name.replace(/ \(.*\)$/, ''))
  })

  it('reads every flag, with the current directory by default', () => {
    expect(parseCommandLine(['init', '--program-id', '42'], '/project')).toEqual({
      command: 'init',
      options: { programId: '42', dir: '/project', write: false, yes: false, json: false },
    })
    expect(parseCommandLine(['init', '--program-id', 'prog_A-1', '--dir', 'site', '--api-base', 'http://localhost:4700/', '--write', '--yes', '--json'])).toEqual({
      command: 'init',
      options: { programId: 'prog_A-1', dir: 'site', apiBase: 'http://localhost:4700', write: true, yes: true, json: true },
    })
  })

  it('reads --nonce as the template writes it, and refuses one that could leave its attribute', () => {
    expect(parseCommandLine(['init', '--program-id', '1', '--nonce', ' {{ csp_nonce }} '])).toMatchObject({ options: { nonce: '{{ csp_nonce }}' } })
    for (const value of ['a"b', 'a\nb', ' ']) {
      const error = refusal(['init', '--program-id', '1', '--nonce', value])
      expect(error.message).toMatch(/^--nonce must be the nonce or the template expression/)
      expect(error.usage).toBe(USAGE.init)
    }
  })

  it('refuses --yes without --write, where it would do nothing', () => {
    const error = refusal(['init', '--program-id', '1', '--yes'])
    expect(error.message).toMatch(/^--yes answers the overwrite question of --write/)
    expect(error.usage).toBe(USAGE.init)
  })

  it('requires --program-id, in --json mode too', () => {
    for (const argv of [['init'], ['init', '--json'], ['init', '--write', '--dir', 'x']]) {
      const error = refusal(argv)
      expect(error.message).toContain('--program-id is required')
      expect(error.usage).toBe(USAGE.init)
    }
  })

  it('refuses program ids and API bases that could break out of the snippet, naming the flag', () => {
    expect(refusal(['init', '--program-id', '1" onload="x']).message).toMatch(/^--program-id must be/)
    expect(refusal(['init', '--program-id', '']).message).toMatch(/^--program-id must be/)
    for (const base of ['localhost:4700', 'ftp://x.example', "http://x.example/'", 'http://x.example/\\', 'not a url']) {
      expect(refusal(['init', '--program-id', '1', '--api-base', base]).message).toMatch(/^--api-base must be an http\(s\) URL/)
    }
  })

  it('refuses unknown flags, missing values and positionals, naming them', () => {
    expect(refusal(['init', '--program-id', '1', '--force']).message).toContain("'--force'")
    expect(refusal(['init', '--program-id']).message).toContain("'--program-id <value>' argument missing")
    expect(refusal(['init', '--program-id', '1', 'extra']).message).toContain("'extra'")
    expect(refusal(['init', '--program-id', '1', '--json=yes']).message).toContain("'--json' does not take an argument")
  })
})

describe('dev arguments', () => {
  it('reads every flag, port 4700 by default', () => {
    expect(parseCommandLine(['dev'])).toEqual({ command: 'dev', options: { port: 4700, host: false, json: false } })
    expect(parseCommandLine(['dev', '--port', '0', '--host', '--seed', 'seed.json', '--data', 'data.json', '--json'])).toEqual({
      command: 'dev',
      options: { port: 0, host: true, seed: 'seed.json', dataFile: 'data.json', json: true },
    })
  })

  it('refuses a bad port and unknown flags, naming them, with the dev usage', () => {
    for (const port of ['x', '-1', '65536', '', '1.5']) {
      const error = refusal(['dev', `--port=${port}`])
      expect(error.message).toContain('--port must be a number from 0 to 65535')
      expect(error.usage).toBe(USAGE.dev)
    }
    expect(refusal(['dev', '--static', '/=.']).message).toContain("'--static'")
    // Node's hint for a value that looks like a flag, kept on the one line.
    const dash = refusal(['dev', '--port', '-1']).message
    expect(dash).toContain("'--port' argument is ambiguous")
    expect(dash).not.toContain('\n')
    expect(refusal(['dev', '--seed', ' ']).message).toBe('--seed must not be empty')
  })
})

describe('test chain arguments', () => {
  it('reads every flag, partner P1 and a local server by default', () => {
    expect(parseCommandLine(['test', 'chain'])).toEqual({ command: 'test-chain', options: { partner: 'P1', json: false } })
    expect(parseCommandLine(['test', 'chain', '--api-base', 'https://api.example/', '--api-key', 'sk_1', '--program-id', '7', '--partner', 'ALICE', '--json'])).toEqual({
      command: 'test-chain',
      options: { apiBase: 'https://api.example', apiKey: 'sk_1', programId: '7', partner: 'ALICE', json: true },
    })
  })

  it('requires --api-key with --api-base', () => {
    const error = refusal(['test', 'chain', '--api-base', 'https://api.example'])
    expect(error.message).toMatch(/^--api-key is required with --api-base/)
    expect(error.usage).toBe(USAGE.testChain)
  })

  it('refuses --api-key without --api-base, which would test the local server with the wrong key', () => {
    expect(refusal(['test', 'chain', '--api-key', 'sk_live_x']).message).toMatch(/^--api-key goes with --api-base/)
  })

  it('refuses a missing or unknown test, unknown flags and bad values, naming them', () => {
    expect(refusal(['test']).message).toContain('"chain"')
    expect(refusal(['test', 'sale']).message).toBe('test: unknown test "sale", expected "chain"')
    expect(refusal(['test', 'chain', '--port', '1']).message).toContain("'--port'")
    expect(refusal(['test', 'chain', '--partner', '']).message).toBe('--partner must not be empty')
    expect(refusal(['test', 'chain', '--api-base', 'x', '--api-key', 'k']).message).toMatch(/^--api-base must be/)
  })
})
