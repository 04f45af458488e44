import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'

/**
 * The system's Chromium (`/usr/bin/chromium` on Debian), otherwise Playwright's own when it is
 * installed (`npx playwright install chromium`), or the one named by `CHROMIUM_PATH`; shared by the
 * e2e tests and the benchmarks. Throws, saying what to install, when there is none.
 * @returns {string | undefined} `undefined` for Playwright's own.
 */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(path)) return path
  if (existsSync(chromium.executablePath())) return undefined
  throw new Error("No Chromium found: install Debian's (apt-get install -y chromium) or Playwright's (npx playwright install chromium), or name one in CHROMIUM_PATH")
}

/** Flags for a quiet Chromium in a container: no sandbox (root), no background traffic. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/**
 * Fake hosts on loopback: www. and app. as two real subdomains of one site, another root domain
 * of the same business (app.other.test), and hosts under public suffixes (co.uk, github.io)
 * where the cookie must stop at the site.
 */
export const FAKE_HOSTS = ['--host-resolver-rules=MAP *.shop.test 127.0.0.1, MAP *.other.test 127.0.0.1, MAP *.shop.co.uk 127.0.0.1, MAP *.github.io 127.0.0.1']

/**
 * A visitor's browser rather than an automated one. The tracker reports no click from a browser
 * under automation (`navigator.webdriver`, which this flag turns off) or with a headless user agent
 * (`HeadlessChrome`, which {@link VISITOR_USER_AGENT} replaces): the e2e tests and the benchmarks
 * play visitors. `e2e/bots.spec.ts` plays the bots.
 */
export const VISITOR_ARGS = ['--disable-blink-features=AutomationControlled']

/** Chrome's user agent on Linux, as a visitor's browser sends it. */
export const VISITOR_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'
