// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { CliError, parseCliArgs, USAGE } from '../../src/server/cli-args'

describe('parseCliArgs', () => {
  it('leaves the defaults to the server, logging to the console', () => {
    expect(parseCliArgs([])).toEqual({ help: false, options: { log: console.log } })
  })

  it('reads every flag', () => {
    const parsed = parseCliArgs(['--port', '0', '--host', '0.0.0.0', '--seed', 'seed.json', '--data', 'data.json', '--static', '/=./site', '--static', '/dist/=dist', '--test-clock', '--quiet'])
    expect(parsed).toEqual({
      help: false,
      options: { port: 0, host: '0.0.0.0', seed: 'seed.json', dataFile: 'data.json', static: { '/': './site', '/dist/': 'dist' }, testClock: true, log: false },
    })
    expect(parseCliArgs(['--port=4701'])).toMatchObject({ options: { port: 4701 } })
  })

  it('keeps an = inside the directory', () => {
    expect(parseCliArgs(['--static', '/a=b=c'])).toMatchObject({ options: { static: { '/a': 'b=c' } } })
  })

  it('answers help', () => {
    expect(parseCliArgs(['--help'])).toEqual({ help: true })
    expect(parseCliArgs(['-h'])).toEqual({ help: true })
    expect(USAGE).toContain('--static <prefix>=<dir>')
  })

  it('refuses unknown flags and bad values with a CliError naming the flag', () => {
    const cases: [string[], string][] = [
      [['--port', 'abc'], '--port must be a number from 0 to 65535, not "abc"'],
      [['--port', '70000'], '--port must be a number from 0 to 65535, not "70000"'],
      [['--port', '-1'], "Option '--port' argument is ambiguous"],
      [['--static', 'site'], '--static must be <prefix>=<dir> with a prefix starting with "/", not "site"'],
      [['--static', 'x=site'], '--static must be <prefix>=<dir>'],
      [['--static', '/='], '--static must be <prefix>=<dir>'],
      [['--verbose'], "Unknown option '--verbose'"],
      [['serve'], "Unexpected argument 'serve'"],
    ]
    for (const [argv, message] of cases) {
      expect(() => parseCliArgs(argv), argv.join(' ')).toThrow(CliError)
      expect(() => parseCliArgs(argv), argv.join(' ')).toThrow(message)
    }
  })
})
