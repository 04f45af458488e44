import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** The kinds of project `init` has a snippet for. */
export type Framework =
  | 'html'
  | 'vite'
  | 'vite-react'
  | 'next-app'
  | 'next-pages'
  | 'nuxt'
  | 'sveltekit'
  | 'astro'
  | 'remix'
  | 'react-router'
  | Backend

/** The Node servers `init` has a backend snippet for, in the order they are looked for. */
export const BACKENDS = Object.freeze(['express', 'fastify', 'hono'] as const)

/** A Node server without a front-end framework: its snippet is the backend's, with no browser part. */
export type Backend = (typeof BACKENDS)[number]

/** A project's framework, and where its files are. */
export interface Detection {
  framework: Framework
  /** What was found, for people: `"next in package.json and an app/ directory"`. */
  reason: string
  /** The Next.js router directory (`app`, `src/app`, `pages` or `src/pages`); unset for the others. */
  routerDir?: string
  /**
   * The directory the new file goes under when it is not the project's root: `app` for Nuxt 4's
   * layout, `src` for a Node server that has one; unset otherwise.
   */
  srcDir?: string
  /** SvelteKit: the project's own client hooks file (`src/hooks.client.ts` or `.js`), when it has one. */
  clientHooks?: string
  /** A Node server: `"esm"` when its package.json says `"type": "module"`, else `"commonjs"` (its `.js` files use `require()`). */
  module?: 'esm' | 'commonjs'
  /**
   * Hono on Cloudflare Workers (`wrangler` in package.json, or a `wrangler.toml`, `.json` or
   * `.jsonc`): its secrets come with each request, in `c.env`, not in `process.env`.
   */
  workers?: boolean
  /** Whether the project has a `tsconfig.json`: its new files are then TypeScript (`.ts`, `.tsx`). */
  typescript: boolean
  /**
   * The command that adds the package, by the project's `packageManager` field, else its lockfile
   * or its monorepo root's; unset without a package.json.
   */
  install?: string
}

/** Names of the frameworks for people. */
export const FRAMEWORK_NAMES: Readonly<Record<Framework, string>> = Object.freeze({
  html: 'plain HTML',
  vite: 'Vite',
  'vite-react': 'Vite + React',
  'next-app': 'Next.js (App Router)',
  'next-pages': 'Next.js (Pages Router)',
  nuxt: 'Nuxt',
  sveltekit: 'SvelteKit',
  astro: 'Astro',
  remix: 'Remix',
  'react-router': 'React Router (framework mode)',
  express: 'Express',
  fastify: 'Fastify',
  hono: 'Hono',
})

/** Whether `framework` is a Node server's, whose snippet is backend code only. */
export function isBackend(framework: Framework): framework is Backend {
  return (BACKENDS as readonly string[]).includes(framework)
}

/**
 * Detects the framework of the project in `dir` from its package.json dependencies and folders,
 * the first that matches of:
 *
 * - Next.js: `next`, with an `app/` or `pages/` directory, at the root or under `src/` (the App
 *   Router wins when both exist, as it does in Next.js);
 * - Nuxt (`nuxt`), SvelteKit (`@sveltejs/kit`), Astro (`astro`), Remix (`@remix-run/react`),
 *   React Router's framework mode (`react-router` and `@react-router/dev`): before Vite, which
 *   all of them have;
 * - Vite + React (`vite` and `react`), any other Vite app (vanilla, Vue, Svelte, Solid, Preact);
 * - a Node server without any of those: Express, Fastify or Hono (Hono on Cloudflare Workers
 *   when `wrangler` is in package.json or its configuration file is there);
 * - else plain HTML.
 *
 * Throws an `Error` naming the file for a package.json that is not JSON.
 */
export function detectFramework(dir: string): Detection {
  const typescript = existsSync(join(dir, 'tsconfig.json'))
  const file = join(dir, 'package.json')
  if (!existsSync(file)) return { framework: 'html', reason: 'no package.json', typescript }
  let manifest: Record<string, unknown>
  try {
    // Some Windows editors save UTF-8 with a byte order mark, which JSON.parse refuses; npm reads past it.
    manifest = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`)
  }
  const install = installCommand(dir, Object(manifest))
  const deps = new Set(['dependencies', 'devDependencies', 'peerDependencies'].flatMap((field) => Object.keys(Object(manifest?.[field]))))
  const isDir = (path: string) => existsSync(join(dir, path)) && statSync(join(dir, path)).isDirectory()
  const isFile = (path: string) => existsSync(join(dir, path)) && statSync(join(dir, path)).isFile()
  const found = (framework: Framework, reason: string, more: Partial<Detection> = {}): Detection => ({ framework, reason, ...more, typescript, install })

  if (deps.has('next')) {
    const app = ['app', 'src/app'].find(isDir)
    if (app) return found('next-app', `next in package.json and an ${app}/ directory`, { routerDir: app })
    const pages = ['pages', 'src/pages'].find(isDir)
    if (pages) return found('next-pages', `next in package.json and a ${pages}/ directory`, { routerDir: pages })
  }
  if (deps.has('nuxt')) {
    return nuxtUsesAppDir(dir) ? found('nuxt', "nuxt in package.json and an app/ directory (Nuxt 4's layout)", { srcDir: 'app' }) : found('nuxt', 'nuxt in package.json')
  }
  if (deps.has('@sveltejs/kit')) {
    const hooks = ['src/hooks.client.ts', 'src/hooks.client.js'].find(isFile)
    return hooks ? found('sveltekit', `@sveltejs/kit in package.json and a ${hooks}`, { clientHooks: hooks }) : found('sveltekit', '@sveltejs/kit in package.json')
  }
  if (deps.has('astro')) return found('astro', 'astro in package.json')
  if (deps.has('@remix-run/react')) return found('remix', '@remix-run/react in package.json')
  if (deps.has('react-router') && deps.has('@react-router/dev')) return found('react-router', 'react-router and @react-router/dev in package.json')
  if (deps.has('vite') && deps.has('react')) return found('vite-react', 'vite and react in package.json')
  if (deps.has('vite')) return found('vite', 'vite in package.json, without react')
  const backend = BACKENDS.find((name) => deps.has(name))
  if (backend) {
    const wrangler = backend == 'hono' && (deps.has('wrangler') ? 'wrangler in package.json' : ['wrangler.toml', 'wrangler.json', 'wrangler.jsonc'].find(isFile))
    return found(backend, `${backend} in package.json, without a front-end framework${wrangler ? `, on Cloudflare Workers (${wrangler})` : ''}`, {
      ...(isDir('src') && { srcDir: 'src' }),
      ...(wrangler && { workers: true }),
      module: manifest.type == 'module' ? 'esm' : 'commonjs',
    })
  }
  const why = deps.has('next') ? 'next in package.json but no app/ or pages/ directory' : 'none of the frameworks init knows in package.json'
  return { framework: 'html', reason: why, typescript }
}

/**
 * Whether Nuxt takes `app/` for its source directory, as Nuxt 4 does when `app/` holds anything
 * but the two files Nuxt 3 keeps there too (`spa-loading-template.html`, `router.options.ts`).
 */
function nuxtUsesAppDir(dir: string): boolean {
  const app = join(dir, 'app')
  if (!existsSync(app) || !statSync(app).isDirectory()) return false
  return readdirSync(app).some((name) => name != 'spa-loading-template.html' && !name.startsWith('router.options'))
}

/** The package managers `init` names, and each one's command to add the package. */
const INSTALL_COMMANDS: Readonly<Record<string, string>> = Object.freeze({
  npm: 'npm install affitor-tracker',
  pnpm: 'pnpm add affitor-tracker',
  yarn: 'yarn add affitor-tracker',
  bun: 'bun add affitor-tracker',
})

/** The lockfiles of the package managers. */
const LOCKFILES: ReadonlyArray<[file: string, manager: string]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
]

/**
 * The command that adds the package to the project in `dir`, by the first of: the manifest's
 * `packageManager` field (`"pnpm@9.1.0"`, as Corepack reads it), a lockfile in `dir`, a lockfile
 * in a parent directory (a monorepo's root), looking no higher than the directory that holds
 * `.git`; else npm's.
 */
function installCommand(dir: string, manifest: Record<string, unknown>): string {
  const declared = typeof manifest.packageManager == 'string' ? manifest.packageManager.split('@')[0].trim() : ''
  if (Object.keys(INSTALL_COMMANDS).includes(declared)) return INSTALL_COMMANDS[declared]
  for (let at = resolve(dir); ; ) {
    const lockfile = LOCKFILES.find(([file]) => existsSync(join(at, file)))
    if (lockfile) return INSTALL_COMMANDS[lockfile[1]]
    const parent = dirname(at)
    if (parent == at || existsSync(join(at, '.git'))) return INSTALL_COMMANDS.npm
    at = parent
  }
}
