/**
 * Last click wins. Returns why no click should be reported for `code`, or `undefined` when
 * one should: there is no code, a program drives the page (`bot`, see {@link isAutomated}), or
 * the stored click is this partner's already (a refresh, an internal link that kept the query).
 * Another partner's code replaces the stored click.
 */
export function clickSkipReason(code: string | null, storedPartnerCode: string | undefined, bot?: boolean): 'no-code' | 'bot' | 'same-partner' | undefined {
  if (!code) return 'no-code'
  if (bot) return 'bot'
  if (code == storedPartnerCode) return 'same-partner'
}

/**
 * Headless browsers and crawlers that run scripts: `Googlebot/2.1`, `bingbot/2.0`, `AdsBot-Google`,
 * `Applebot/0.1` and the like (a name ending in "bot" followed by its version or its product, so
 * that phones named `CUBOT_X30` or `…; Cubot)` are visitors), crawlers, spiders, and `HeadlessChrome`.
 */
const BOT_AGENT = /bot[/-]|crawl|spider|headless/i

/**
 * Whether the page is driven by a program rather than visited: a browser under automation
 * (`navigator.webdriver`: Playwright, Puppeteer, Selenium) or a crawler's or headless browser's
 * user agent. Such a page view is no click: it would credit a partner for a visit nobody made.
 */
export function isAutomated(nav: Pick<Navigator, 'webdriver' | 'userAgent'>): boolean {
  return nav.webdriver || BOT_AGENT.test(nav.userAgent)
}
