import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** The kinds of project `init` has a snippet for. */
export type Framework = 'html' | 'vite' | 'vite-react' | 'next-app' | 'next-pages'

/** A project's framework, and where its files are. */
export interface Detection {
  framework: Framework
  /** What was found, for people: `"next in package.json and an app/ directory"`. */
  reason: string
  /** The Next.js router directory (`app`, `src/app`, `pages` or `src/pages`); unset for the others. */
  routerDir?: string
  /** Whether the project has a `tsconfig.json`: its new files are then `.tsx`. */
  typescript: boolean
  /** The command that adds the package, by the project's lockfile; unset without a package.json. */
  install?: string
}

/** Names of the frameworks for people. */
export const FRAMEWORK_NAMES: Readonly<Record<Framework, string>> = Object.freeze({
  html: 'plain HTML',
  vite: 'Vite',
  'vite-react': 'Vite + React',
  'next-app': 'Next.js (App Router)',
  'next-pages': 'Next.js (Pages Router)',
})

/**
 * Detects the framework of the project in `dir` from its package.json dependencies and folders:
 * Next.js (`next`, with an `app/` or `pages/` directory, at the root or under `src/`; the App
 * Router wins when both exist, as it does in Next.js), Vite + React (`vite` and `react`), any
 * other Vite app (vanilla, Vue, Svelte, Solid, Preact: the npm build's `init()`), or else plain
 * HTML. Throws an `Error` naming the file for a package.json that is not JSON.
 */
export function detectFramework(dir: string): Detection {
  const typescript = existsSync(join(dir, 'tsconfig.json'))
  const file = join(dir, 'package.json')
  if (!existsSync(file)) return { framework: 'html', reason: 'no package.json', typescript }
  let manifest: Record<string, unknown>
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`)
  }
  const install = installCommand(dir)
  const deps = new Set(['dependencies', 'devDependencies', 'peerDependencies'].flatMap((field) => Object.keys(Object(manifest?.[field]))))
  if (deps.has('next')) {
    const isDir = (path: string) => existsSync(join(dir, path)) && statSync(join(dir, path)).isDirectory()
    const app = ['app', 'src/app'].find(isDir)
    if (app) return { framework: 'next-app', reason: `next in package.json and an ${app}/ directory`, routerDir: app, typescript, install }
    const pages = ['pages', 'src/pages'].find(isDir)
    if (pages) return { framework: 'next-pages', reason: `next in package.json and a ${pages}/ directory`, routerDir: pages, typescript, install }
  }
  if (deps.has('vite') && deps.has('react')) return { framework: 'vite-react', reason: 'vite and react in package.json', typescript, install }
  if (deps.has('vite')) return { framework: 'vite', reason: 'vite in package.json, without react', typescript, install }
  const why = deps.has('next') ? 'next in package.json but no app/ or pages/ directory' : 'no next, nor vite, in package.json'
  return { framework: 'html', reason: why, typescript }
}

/** The lockfiles of the package managers, and each one's command to add the package. */
const LOCKFILES: ReadonlyArray<[file: string, command: string]> = [
  ['pnpm-lock.yaml', 'pnpm add affitor-tracker'],
  ['yarn.lock', 'yarn add affitor-tracker'],
  ['bun.lock', 'bun add affitor-tracker'],
  ['bun.lockb', 'bun add affitor-tracker'],
]

/** `npm install affitor-tracker`, or the command of the package manager whose lockfile `dir` holds. */
function installCommand(dir: string): string {
  return LOCKFILES.find(([file]) => existsSync(join(dir, file)))?.[1] ?? 'npm install affitor-tracker'
}
