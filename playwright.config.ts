import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, chromiumPath, FAKE_HOSTS, VISITOR_ARGS, VISITOR_USER_AGENT } from './e2e/chromium.mjs'

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
      args: [...CHROMIUM_ARGS, ...VISITOR_ARGS, ...FAKE_HOSTS],
    },
    userAgent: VISITOR_USER_AGENT,
    trace: 'retain-on-failure',
  },
})
