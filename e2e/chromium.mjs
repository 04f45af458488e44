import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'

/**
 * Playwright's own Chromium when it is installed (`npx playwright install chromium`), otherwise the
 * system's (`/usr/bin/chromium` on Debian), or the one named by `CHROMIUM_PATH`; shared by the e2e
 * tests and the benchmarks.
 * @returns {string | undefined} `undefined` for Playwright's own.
 */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  if (existsSync(chromium.executablePath())) return undefined
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(path)) return path
  return undefined
}

/** Flags for a quiet Chromium in a container: no sandbox (root), no background traffic. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
