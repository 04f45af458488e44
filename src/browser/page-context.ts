/** The click fields a browser can know about the page and the visitor's screen. */
export interface PageContext {
  page_url: string
  page_title: string
  referrer_url: string
  user_agent: string
  screen_resolution: string
  viewport_size: string
  language: string
  timezone: string
}

/** A random id for a session: unique enough to group one visit's events, not a secret. */
export const randomId = (): string => Math.random().toString(36).slice(2)

/** What `read` returns, or `undefined` when it throws. */
const attempt = <T>(read: () => T): T | undefined => {
  try {
    return read()
  } catch {}
}

/**
 * Collects the page and device fields of a click from the current document, its URLs through
 * `redact` (see `redactUrl`). Each field is read on its own: one the page broke (a `screen` that
 * throws, no `Intl`) is left out (`undefined`, which JSON drops) and the others go.
 */
export function pageContext(redact: (url: string) => string): Partial<PageContext> {
  return {
    page_url: redact(location.href),
    page_title: document.title,
    referrer_url: redact(document.referrer),
    user_agent: navigator.userAgent,
    screen_resolution: attempt(() => screen.width + 'x' + screen.height),
    viewport_size: innerWidth + 'x' + innerHeight,
    language: navigator.language,
    // Temporal answers at once; the first DateTimeFormat of a page loads the locale data, about
    // 45 ms of main thread in Chromium, which a page that formats no date would pay for us.
    timezone: attempt(() => (window as { Temporal?: { Now: { timeZoneId(): string } } }).Temporal?.Now.timeZoneId() || Intl.DateTimeFormat().resolvedOptions().timeZone),
  }
}
