/**
 * Size: the bytes a visitor downloads. Our CDN file and smallest npm import beside the browser
 * scripts peers publish on npm, each measured the same way.
 */
import { readFileSync } from 'node:fs'
import { build } from 'esbuild'
import { sizes } from './measure.mjs'


/**
 * The peers whose browser code is on the registry, with their smallest browser import: a complete
 * tracker (`complete`), or a loader whose tracker proper comes from the vendor's CDN.
 */
export const PEERS = [
  {
    name: '@plausible-analytics/tracker',
    import: "export { init } from '@plausible-analytics/tracker'",
    // The like-for-like peer: the whole tracker is in the package.
    complete: true,
    note: 'a complete tracker (page views and events; no attribution)',
  },
  {
    name: '@dub/analytics',
    import: "export { inject } from '@dub/analytics'",
    // Its tracker proper is a script on Dub's CDN that inject() adds to the page.
    note: "a loader: inject() adds Dub's tracker script from www.dubcdn.com, which is not on npm",
  },
  {
    name: '@affitor/tracker',
    import: "export { loadAffitor } from '@affitor/tracker'",
    note: "a loader: loadAffitor() adds Affitor's tracker script from api.affitor.com, which is not on npm",
  },
]

/**
 * An import bundled and minified by esbuild for the browser, as an app's bundler would ship it
 * and as size-limit measures our budgets: the named export kept, everything else shaken off.
 */
async function bundle(code) {
  const result = await build({
    stdin: { contents: code, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2021',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Not the repository's tsconfig.json, whose paths point the package's name at its sources.
    tsconfigRaw: '{}',
  })
  return result.outputFiles[0].text
}

// Read from node_modules: not every package exports its package.json.
const version = (name) => JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version

/** One row per script: what is measured, its sizes, and a note. */
export async function measureSizes() {
  const rows = [
    { what: 'affitor-tracker CDN file (dist/affitor-tracker.js)', ...sizes(readFileSync('dist/affitor-tracker.js')), ours: true },
    {
      what: "affitor-tracker npm: import { createTracker } (bundled, minified)",
      ...sizes(await bundle("export { createTracker } from 'affitor-tracker'")),
      ours: true,
    },
  ]
  for (const peer of PEERS) {
    rows.push({ what: `${peer.name} ${version(peer.name)}: smallest import (bundled, minified)`, ...sizes(await bundle(peer.import)), note: peer.note })
  }
  return rows
}
