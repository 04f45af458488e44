import { existsSync } from 'node:fs'
import { chromium, defineConfig } from '@playwright/test'

/**
 * Playwright's own Chromium when it is installed (`npx playwright install chromium`), otherwise the
 * system's (`/usr/bin/chromium` on Debian), or the one named by `CHROMIUM_PATH`.
 */
function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  if (existsSync(chromium.executablePath())) return undefined
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(path)) return path
  return undefined
}

export default defineConfig({
  testDir: 'e2e',
  forbidOnly: true,
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  reporter: 'list',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        // Fake hosts on loopback: www. and app. as two real subdomains of one site, and hosts
        // under public suffixes (co.uk, github.io) where the cookie must stop at the site.
        '--host-resolver-rules=MAP *.shop.test 127.0.0.1, MAP *.shop.co.uk 127.0.0.1, MAP *.github.io 127.0.0.1',
      ],
    },
    trace: 'retain-on-failure',
  },
})
