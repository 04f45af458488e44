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

/** Collects the page and device fields of a click from the current document. */
export function pageContext(): PageContext {
  return {
    page_url: location.href,
    page_title: document.title,
    referrer_url: document.referrer,
    user_agent: navigator.userAgent,
    screen_resolution: screen.width + 'x' + screen.height,
    viewport_size: innerWidth + 'x' + innerHeight,
    language: navigator.language,
    // Temporal answers at once; the first DateTimeFormat of a page loads the locale data, about
    // 45 ms of main thread in Chromium, which a page that formats no date would pay for us.
    timezone: (window as { Temporal?: { Now: { timeZoneId(): string } } }).Temporal?.Now.timeZoneId() || Intl.DateTimeFormat().resolvedOptions().timeZone,
  }
}
