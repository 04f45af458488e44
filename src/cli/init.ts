import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { CliError, USAGE, type InitOptions } from './args'
import { detectFramework, FRAMEWORK_NAMES, isBackend, type Framework } from './detect-framework'
import type { CliIo } from './io'
import { snippetFor } from './snippets'

/** What `init --json` prints. */
export interface InitResult {
  framework: Framework
  programId: string
  /** The command that adds the package, for a project with a package.json. */
  install?: string
  /** The snippet's file, relative to the project: printed only, written, or left as it was. */
  files: { path: string; action: 'printed' | 'written' | 'skipped' }[]
  /** The file's content. */
  snippet: string
}

/**
 * `affitor-tracker init`: detects the project's framework and prints its snippet, and with
 * `write` writes it into a new file. An existing file is overwritten only with `yes` or after a
 * yes to `io.ask`; without a way to ask, it is left alone and the exit code is 1.
 * Resolves with the exit code.
 */
export async function runInit(options: InitOptions, io: CliIo): Promise<number> {
  if (!existsSync(options.dir) || !statSync(options.dir).isDirectory()) throw new CliError(`--dir: no such directory "${options.dir}"`, USAGE.init)
  const detection = detectFramework(options.dir)
  if (options.nonce !== undefined && detection.framework != 'html') {
    const name = FRAMEWORK_NAMES[detection.framework]
    const why = isBackend(detection.framework) ? `for ${name}, init prints server code, with no tag to put it on` : `${name} bundles the tracker into your app's own scripts`
    throw new CliError(`--nonce is for plain HTML pages: ${why}`, USAGE.init)
  }
  const snippet = snippetFor(detection, options)
  let action: InitResult['files'][number]['action'] = 'printed'
  let refused = false
  if (options.write) {
    const file = join(options.dir, snippet.path)
    const exists = existsSync(file)
    let overwrite = options.yes
    if (exists && !overwrite && io.ask) overwrite = await io.ask(`${snippet.path} exists. Overwrite it? [y/N] `)
    if (exists && !overwrite) {
      action = 'skipped'
      refused = !io.ask
      io.err(refused ? `${snippet.path} exists: not overwritten. Pass --yes to overwrite it.\n` : `${snippet.path} left as it was.\n`)
    } else {
      mkdirSync(dirname(file), { recursive: true })
      // "wx": should the file appear meanwhile, it is still not overwritten without a yes.
      writeFileSync(file, snippet.code, { flag: exists ? 'w' : 'wx' })
      action = 'written'
    }
  }

  if (options.json) {
    const result: InitResult = { framework: detection.framework, programId: options.programId, ...(detection.install && { install: detection.install }), files: [{ path: snippet.path, action }], snippet: snippet.code }
    io.out(JSON.stringify(result, null, 2) + '\n')
  } else {
    const heading = { printed: `Add it as ${snippet.path}:`, written: `Wrote ${snippet.path}:`, skipped: `The snippet (not written to ${snippet.path}):` }[action]
    const lines = [
      `Detected ${FRAMEWORK_NAMES[detection.framework]}: ${detection.reason}.`,
      '',
      ...(detection.install ? ['Install the package:', '', indent(detection.install), ''] : []),
      detection.framework == 'html' && action == 'printed' ? 'The tracker, for every page:' : heading,
      '',
      indent(snippet.code.trimEnd()),
      '',
      ...snippet.steps.flatMap((step, at) => [`${at + 1}. ${step}`, '']),
    ]
    io.out(lines.join('\n'))
  }
  return refused ? 1 : 0
}

const indent = (text: string) => text.replace(/^(?=.)/gm, '  ')
