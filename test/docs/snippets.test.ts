// @vitest-environment node
/**
 * Every fenced code block of the README and of `docs/` is checked, so that none rots:
 * TypeScript and TSX blocks are type-checked against the package as built (`affitor-tracker`
 * resolves to this repository's `dist/` through its own devDependency link), JavaScript blocks
 * and the inline scripts of HTML blocks are type-checked as JavaScript, the script tags' data
 * attributes must name options of the tracker, JSON blocks must parse (a seed must load), and
 * every command of a shell block must be one this repository or its command line knows. A block
 * marked `<!-- init: {detection} -->` (or `<!-- init step N: … -->`) is what `npx affitor-tracker
 * init` prints for that project, character for character: the command line's tests parse and run
 * those, for frameworks (Nuxt, Astro, …) this repository does not install.
 * Run after `npm run build`, as `npm test` does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { Window } from 'happy-dom'
import { describe, expect, it } from 'vitest'
import { parseCommandLine } from '../../src/cli/args'
import type { Detection } from '../../src/cli/detect-framework'
import { CDN_URL, snippetFor } from '../../src/cli/snippets'
import { scriptOptions } from '../../src/browser/cdn'
import { parseCliArgs } from '../../src/server/cli-args'
import { validateSeed } from '../../src/server/config/seed'

/** The links file, beside the main one. */
const LINKS_URL = CDN_URL.replace(/\.js$/, '.links.js')

const ROOT = resolve(__dirname, '../..')
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)]

interface Block {
  /** `docs/api.md:42`: where the block's first line of code is. */
  where: string
  lang: string
  code: string
  /** For a block marked as `init`'s output: the project it is printed for, and the step (0: the file). */
  init?: { detection: Detection; step: number }
}

function blocksOf(page: string): Block[] {
  const lines = readFileSync(join(ROOT, page), 'utf8').split('\n')
  const blocks: Block[] = []
  for (let at = 0; at < lines.length; at++) {
    const open = /^```(\S*)\s*$/.exec(lines[at])
    if (!open) continue
    const end = lines.findIndex((line, index) => index > at && line.startsWith('```'))
    if (end < 0) throw new Error(`${page}:${at + 1}: a code block that never closes`)
    const marker = /^<!-- init(?: step (\d+))?: (\{.*\}) -->$/.exec(lines[at - 1] ?? '')
    const init = marker ? { detection: { reason: '', ...JSON.parse(marker[2]) }, step: Number(marker[1] ?? 0) } : undefined
    blocks.push({ where: `${page}:${at + 2}`, lang: open[1], code: lines.slice(at + 1, end).join('\n') + '\n', init })
    at = end
  }
  return blocks
}

const BLOCKS = PAGES.flatMap(blocksOf)
const of = (...langs: string[]) => BLOCKS.filter((block) => langs.includes(block.lang) && !block.init)

/**
 * What the snippets take from the reader's own code: the user who registered, the order paid,
 * the request being served, the app's root component, the consent manager. Declared by type
 * only, so that the snippets' use of the package is what gets checked.
 */
const PRELUDE = `
import type { IncomingMessage } from 'node:http'
import type Stripe from 'stripe'
import type { AffitorGlobal } from 'affitor-tracker/cdn'
declare global {
  const user: { id: string; email: string }
  const order: { id: string; totalCents: number }
  const req: IncomingMessage
  const stripe: Stripe
  const success_url: string
  const cancel_url: string
  function App(): React.JSX.Element
  function createUser(body: unknown): Promise<{ id: string; email: string }>
  function findOrder(id: string): Promise<{ id: string; totalCents: number; userId: string }>
  const cmp: { on(event: 'accept' | 'reject', listener: () => void): void }
  function onConsentChange(listener: (choices: { marketing: boolean }) => void): void
  /** The script tag's global: the page's stub, or the tracker once loaded. */
  var affitor: AffitorGlobal
}
`

/** Type-checks files (name → code) placed in the repository's root, so that its node_modules resolve. */
/** A whole program type-checked with the package's and React's declarations: seconds on a busy machine. */
const TYPE_CHECK_TIMEOUT = 60_000

function typeCheck(files: Map<string, string>, options: ts.CompilerOptions): string[] {
  const virtual = new Map([...files].map(([name, code]) => [join(ROOT, '.docs-snippets', name), code]))
  virtual.set(join(ROOT, '.docs-snippets', 'prelude.d.ts'), PRELUDE)
  const host = ts.createCompilerHost(options)
  const { fileExists, readFile, getSourceFile } = host
  host.fileExists = (file) => virtual.has(file) || fileExists(file)
  host.readFile = (file) => virtual.get(file) ?? readFile(file)
  host.getSourceFile = (file, language, ...rest) =>
    virtual.has(file) ? ts.createSourceFile(file, virtual.get(file)!, language, true) : getSourceFile(file, language, ...rest)
  const program = ts.createProgram([...virtual.keys()], options, host)
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    if (!diagnostic.file) return message
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
    return `${relative(join(ROOT, '.docs-snippets'), diagnostic.file.fileName)} line ${line + 1}: ${message}`
  })
}

const COMPILER: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.ReactJSX,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: ['node', 'react'],
}

/** A file name for a block: where it is, so that an error names it. */
const fileFor = (block: Block, ext: string) => `${block.where.replace(/[/:.]/g, '_')}.${ext}`

/** The inline scripts of an HTML block, and its tags' `data-affitor-*` attributes as options. */
function parseHtml(block: Block) {
  const window = new Window()
  window.document.body.innerHTML = block.code
  const scripts = [...window.document.querySelectorAll('script')]
  const result = {
    inline: scripts.filter((script) => !script.src).map((script) => script.textContent ?? ''),
    tags: scripts.filter((script) => script.src).map((script) => ({ src: script.getAttribute('src')!, options: scriptOptions(script.dataset as DOMStringMap) })),
  }
  window.close()
  return result
}

describe('the docs', () => {
  it('has code blocks on every page that carry a language', () => {
    expect(BLOCKS.length).toBeGreaterThan(20)
    expect(BLOCKS.filter((block) => !block.lang).map((block) => block.where)).toEqual([])
  })

  it('has blocks only in the languages it checks', () => {
    const checked = ['ts', 'tsx', 'js', 'html', 'json', 'sh']
    expect(BLOCKS.filter((block) => !block.init && !checked.includes(block.lang)).map((block) => `${block.where} ${block.lang}`)).toEqual([])
  })

  it("has init's output, where a block says so, exactly as the command line prints it", () => {
    const marked = BLOCKS.filter((block) => block.init)
    expect(marked.length).toBeGreaterThan(5)
    for (const { where, code, init } of marked) {
      const snippet = snippetFor(init!.detection, { programId: '123' })
      // A step is prose, a blank line, then its code indented by two spaces.
      const expected = init!.step ? snippet.steps[init!.step - 1].split('\n\n').slice(1).join('\n\n').replace(/^  /gm, '') + '\n' : snippet.code
      expect(code, where).toBe(expected)
    }
  })

  it('has TypeScript and TSX snippets that type-check against the built package, each on its own', () => {
    const files = new Map(of('ts', 'tsx').map((block) => [fileFor(block, block.lang), block.code + '\nexport {}\n']))
    expect(files.size).toBeGreaterThan(10)
    expect(typeCheck(files, COMPILER)).toEqual([])
  }, TYPE_CHECK_TIMEOUT)

  it('has JavaScript snippets, and scripts in HTML snippets, that type-check as JavaScript', () => {
    const files = new Map(of('js').map((block) => [fileFor(block, 'js'), block.code + '\nexport {}\n']))
    for (const block of of('html')) {
      parseHtml(block).inline.forEach((code, index) => files.set(fileFor(block, `${index}.js`), code + '\nexport {}\n'))
    }
    expect(files.size).toBeGreaterThan(4)
    expect(typeCheck(files, { ...COMPILER, allowJs: true, checkJs: true, strict: false })).toEqual([])
  }, TYPE_CHECK_TIMEOUT)

  it('has script tags that load a CDN file and name only options that file has', () => {
    // The options' names, from the type the tracker takes: an attribute with a typo fails here.
    // The links file takes the links options too.
    const files = new Map<string, string>()
    for (const block of of('html')) {
      for (const [index, tag] of parseHtml(block).tags.entries()) {
        expect([CDN_URL, LINKS_URL], block.where).toContain(tag.src)
        expect(tag.options, block.where).toHaveProperty('programId')
        const keys = Object.keys(tag.options).map((key) => `${key}: undefined`)
        const type = tag.src == LINKS_URL ? "import type { LinkOptions as Options } from 'affitor-tracker/links'" : "import type { TrackerOptions as Options } from 'affitor-tracker'"
        files.set(fileFor(block, `${index}.ts`), `${type}\nexport const options = { ${keys.join(', ')} } satisfies { [K in keyof Options]?: unknown }\n`)
      }
    }
    expect(files.size).toBeGreaterThan(3)
    expect(typeCheck(files, COMPILER)).toEqual([])
  }, TYPE_CHECK_TIMEOUT)

  it('has JSON snippets that parse, and seeds the reference server loads', () => {
    const blocks = of('json')
    expect(blocks.length).toBeGreaterThan(0)
    for (const block of blocks) {
      const value = JSON.parse(block.code)
      if (value && typeof value == 'object' && 'programs' in value) expect(() => validateSeed(value, block.where)).not.toThrow()
    }
  })

  it('has shell snippets whose every command exists: npm scripts, the command line and its flags', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>
    const commands = of('sh').flatMap((block) =>
      block.code
        .split('\n')
        .map((line) => line.replace(/\s+#.*$/, '').trim())
        .filter(Boolean)
        .map((line) => ({ where: block.where, line })),
    )
    expect(commands.length).toBeGreaterThan(3)
    for (const { where, line } of commands) {
      for (const command of line.split(/\s*&&\s*/)) {
        const words = command.split(/\s+/)
        const context = `${where}: ${command}`
        if (words[0] == 'npm' && words[1] == 'run') expect(scripts, context).toHaveProperty([words[2]])
        else if (words[0] == 'npm' && ['test', 'install', 'ci'].includes(words[1])) continue
        else if (words[0] == 'npx' && words[1] == 'affitor-tracker') expect(() => parseCommandLine(words.slice(2), ROOT), context).not.toThrow()
        else if (words[0] == 'npx' && words[1] == 'affitor-reference-server') expect(() => parseCliArgs(words.slice(2)), context).not.toThrow()
        else if (words[0] == 'node') expect(existsSync(join(ROOT, words[1])), context).toBe(true)
        else expect(['git', 'cd', 'curl'], context).toContain(words[0])
      }
    }
  })
})

describe('the docs’ links', () => {
  /** GitHub's anchor for a heading. */
  const slug = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .trim()
      .replace(/\s/g, '-')
  const anchors = (page: string) => {
    const text = readFileSync(join(ROOT, page), 'utf8').replace(/^```[\s\S]*?^```/gm, '')
    return new Set([...text.matchAll(/^#+ (.*)$/gm)].map((match) => slug(match[1])))
  }

  it('point at files and headings that exist', () => {
    const broken: string[] = []
    for (const page of PAGES) {
      const text = readFileSync(join(ROOT, page), 'utf8').replace(/^```[\s\S]*?^```/gm, '')
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue
        const [path, anchor] = target.split('#')
        const file = path ? join(dirname(join(ROOT, page)), path) : join(ROOT, page)
        if (!existsSync(file)) broken.push(`${page}: ${target} (no such file)`)
        else if (anchor && file.endsWith('.md') && !anchors(relative(ROOT, file)).has(anchor)) broken.push(`${page}: ${target} (no such heading)`)
      }
    }
    expect(broken).toEqual([])
  })
})
