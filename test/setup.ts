import { afterEach } from 'vitest'

/*
 * The tests play a visitor's browser. happy-dom says `navigator.webdriver` is true, as a browser
 * under automation does, which the tracker takes for a bot (no clicks): here it says false, on
 * the prototype, so that a test may still give one navigator its own value (see the bot tests).
 */
// Test files run under `@vitest-environment node` have no navigator.
if (typeof navigator == 'object') Object.defineProperty(Object.getPrototypeOf(navigator), 'webdriver', { get: () => false, configurable: true })

/*
 * A tracker lives as long as its page, and the tests make many in one window: the retry timer of
 * an earlier test's tracker would otherwise fire during a later test and deliver, or keep, that
 * test's outbox with its own transport. Every delayed timer a test leaves pending is cancelled
 * after it; those of no delay (the tracker forgetting the cookies it read at the end of a task)
 * still run, as they would before the next test in a browser.
 */
if (typeof window == 'object') {
  const pending = new Set<ReturnType<typeof setTimeout>>()
  const realSetTimeout = globalThis.setTimeout
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const id = realSetTimeout(
      (...given: unknown[]) => {
        pending.delete(id)
        if (typeof callback == 'function') callback(...given)
      },
      ms,
      ...args,
    )
    if (Number(ms) > 0) pending.add(id)
    return id
  }) as typeof setTimeout
  afterEach(() => {
    for (const id of pending) clearTimeout(id)
    pending.clear()
  })
}
