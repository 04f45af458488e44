/**
 * Replaced at build time: `true` in the npm build and the debug CDN file,
 * `false` in the production CDN file so that debug logging drops out of it.
 */
declare const __DEV__: boolean
