import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, chromiumPath } from './e2e/chromium.mjs'

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
        ...CHROMIUM_ARGS,
        // Fake hosts on loopback: www. and app. as two real subdomains of one site, and hosts
        // under public suffixes (co.uk, github.io) where the cookie must stop at the site.
        '--host-resolver-rules=MAP *.shop.test 127.0.0.1, MAP *.shop.co.uk 127.0.0.1, MAP *.github.io 127.0.0.1',
      ],
    },
    trace: 'retain-on-failure',
  },
})
