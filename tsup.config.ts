import { defineConfig, type Options } from 'tsup'

/**
 * `__DEV__` is `true` only in the builds that log: the npm `development` condition
 * (picked by Vite, webpack and Rollup in development) and `affitor-tracker.debug.js`.
 */
const npm = (dev: boolean): Options => ({
  // One entry per subpath, so bundlers tree-shake what is unused.
  entry: { index: 'src/index.ts', ky: 'src/ky-transport.ts' },
  outDir: dev ? 'dist/development' : 'dist',
  format: ['esm', 'cjs'],
  platform: 'browser',
  target: 'es2020',
  dts: !dev,
  splitting: true,
  treeshake: true,
  define: { __DEV__: String(dev) },
})

/** The CDN file: one minified IIFE with js-cookie bundled in and no ky. */
const cdn = (name: string, dev: boolean): Options => ({
  entry: { [name]: 'src/cdn.ts' },
  format: ['iife'],
  platform: 'browser',
  target: 'es2020',
  noExternal: ['js-cookie'],
  define: { __DEV__: String(dev) },
  outExtension: () => ({ js: '.js' }),
  // terser squeezes about 6% more than esbuild's minifier out of this file.
  minify: 'terser',
  terserOptions: {
    ecma: 2020,
    compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
    format: { comments: false, preamble: '/*! affitor-tracker | MIT. Includes js-cookie v3 | MIT */' },
  },
})

export default defineConfig([npm(false), npm(true), cdn('affitor-tracker', false), cdn('affitor-tracker.debug', true)])
