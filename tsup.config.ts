import { readFile } from 'node:fs/promises'
import { defineConfig, type Options } from 'tsup'

/** terser settings shared by the minified builds; the code never relies on getters' side effects. */
const terser = (extra: NonNullable<Options['terserOptions']>): Options['terserOptions'] => ({
  ecma: 2020,
  compress: { passes: 4, unsafe_arrows: true, unsafe_methods: true, pure_getters: true },
  ...extra,
})

/**
 * `__DEV__` is `true` only in the builds that log: the npm `development` condition
 * (picked by Vite, webpack and Rollup in development) and `affitor-tracker.debug.js`.
 */
const npm = (dev: boolean): Options => ({
  // One entry per subpath, so bundlers tree-shake what is unused.
  entry: { index: 'src/index.ts', ky: 'src/browser/ky-transport.ts', links: 'src/browser/links.ts' },
  outDir: dev ? 'dist/development' : 'dist',
  format: ['esm', 'cjs'],
  platform: 'browser',
  target: 'es2021',
  dts: !dev,
  splitting: true,
  treeshake: true,
  define: { __DEV__: String(dev) },
  // Production files ship minified (apps bundle them as they are; terser saves about 6% over
  // esbuild's minifier), with source maps; the development build stays readable.
  ...(!dev && { minify: 'terser', sourcemap: true, terserOptions: terser({ module: true }) }),
})

/**
 * js-cookie as the CDN file uses it: `set` and the converter, without `get`, `remove`,
 * `withAttributes` and `withConverter`, which nothing there calls and no minifier can drop
 * (they are methods of the one object js-cookie exports): about 150 B brotli. The npm build
 * imports js-cookie as it is. Fails the build when js-cookie's source no longer reads as
 * expected, rather than shipping it untrimmed or broken.
 */
const trimJsCookie: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'trim-js-cookie',
  setup(build) {
    build.onLoad({ filter: /[\\/]js-cookie[\\/]dist[\\/]js\.cookie\.mjs$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8')
      const get = /\n  function get\(name\) \{[\s\S]*?\n    return name \? jar\[name\] : jar\n  \}\n/
      const api = /\n  return Object\.create\([\s\S]*?\n  \)\n\}/
      if (!get.test(source) || !api.test(source)) throw new Error(`trim-js-cookie: ${path} is not the js-cookie 3 source this build trims`)
      return { contents: source.replace(get, '\n').replace(api, '\n  return { set: set, converter: converter }\n}'), loader: 'js' }
    })
  },
}

/**
 * A CDN file: one minified IIFE with js-cookie bundled in (trimmed) and no ky. `cdn.ts` is the
 * main file; `cdn-links.ts` adds links to other domains and to Stripe.
 */
const cdn = (name: string, dev: boolean, entry = 'src/browser/cdn.ts'): Options => ({
  entry: { [name]: entry },
  format: ['iife'],
  platform: 'browser',
  target: 'es2021',
  noExternal: ['js-cookie'],
  define: { __DEV__: String(dev) },
  outExtension: () => ({ js: '.js' }),
  // No "use strict" prologue (17 B): the file is TypeScript-checked and relies on no strict-mode semantics.
  esbuildPlugins: [trimJsCookie],
  esbuildOptions(options) {
    delete options.tsconfig
    options.tsconfigRaw = { compilerOptions: { alwaysStrict: false } }
    // esbuild's minifier first, then terser: each finds savings the other misses (about 1% together).
    options.minifySyntax = options.minifyIdentifiers = true
  },
  // terser squeezes about 6% more than esbuild's minifier out of this file.
  minify: 'terser',
  terserOptions: terser({
    // `allFunctionsCalledOnLoad` (Chromium 136+, first line only): V8 compiles every function
    // as it loads the file, off the main thread while it streams, instead of pre-parsing each
    // and parsing it again when called; a landing runs most of them. About 18% less main-thread
    // time on a landing and 5% on a plain page view, measured side by side (bench/RESULTS.md).
    format: { comments: false, preamble: '//# allFunctionsCalledOnLoad\n/*! affitor-tracker, js-cookie | MIT */' },
    // Names used only inside this file (about 50 B): js-cookie's internals, and the `set`,
    // `remove` and `send` of js-cookie, the cookie storage and the transport, which nothing
    // outside calls here (a script tag cannot pass a transport). `builtins` because terser
    // otherwise spares names that DOM objects also have; none of those is called here by these
    // names (not `get`: URLSearchParams' is). Not `domain` and the other cookie attributes:
    // js-cookie writes those keys into the cookie string; nor anything stored (the outbox).
    mangle: { properties: { regex: /^(withAttributes|withConverter|converter|attributes|read|write|set|remove|send)$/, builtins: true } },
  }),
})

/**
 * `affitor-tracker/node` (the backend client) and `affitor-tracker/first-party` (the site's own
 * endpoint), built for servers apart from the browser files. ky stays a dependency import.
 */
const node: Options = {
  entry: { node: 'src/node/index.ts', 'first-party': 'src/first-party/index.ts' },
  format: ['esm', 'cjs'],
  // With splitting, the CommonJS file is converted from the ESM build and reads ky's default
  // export through its __esModule marker; esbuild's own CommonJS output would follow Node's
  // interop instead and lose it (ky is ESM, loaded by require(esm)).
  splitting: true,
  platform: 'node',
  target: 'node20',
  dts: true,
}

/**
 * `affitor-tracker/react`: a client component that imports the tracker from the package, so that
 * an app holds one copy of it. esbuild drops the `'use client'` directive when bundling: the
 * banner writes it back as the first line, which Next.js and other React Server Components
 * bundlers read.
 */
const react: Options = {
  entry: { react: 'src/react/index.tsx' },
  format: ['esm', 'cjs'],
  platform: 'browser',
  target: 'es2021',
  dts: true,
  external: ['react', 'react/jsx-runtime', 'affitor-tracker'],
  banner: { js: '"use client";' },
  // esbuild's minifier: terser would drop the directive (it removes those it does not know).
  minify: true,
  sourcemap: true,
}

/**
 * The reference server (`affitor-tracker/reference-server`) and its command line: Node only,
 * built apart so that none of it reaches the browser files or their budgets.
 */
const server = (format: 'esm' | 'cjs'): Options => ({
  // The command line only as ESM, sharing one chunk with the library instead of a second copy.
  entry: { index: 'src/server/index.ts', ...(format == 'esm' && { cli: 'src/server/cli.ts' }) },
  outDir: 'dist/server',
  format: [format],
  platform: 'node',
  target: 'node20',
  splitting: true,
  dts: { entry: { index: 'src/server/index.ts' } },
  // Shipped unminified: readable as it is, so without source maps.
})

/** `npx affitor-tracker` (`init`, `dev`, `test chain`): one ESM file, dist/cli.js, for Node. */
const cli: Options = {
  entry: { cli: 'src/cli/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
}

export default defineConfig([
  npm(false),
  npm(true),
  react,
  cdn('affitor-tracker', false),
  cdn('affitor-tracker.debug', true),
  cdn('affitor-tracker.links', false, 'src/browser/cdn-links.ts'),
  cdn('affitor-tracker.links.debug', true, 'src/browser/cdn-links.ts'),
  node,
  server('esm'),
  server('cjs'),
  cli,
])
