/**
 * Counts a page's `document.cookie` reads and writes and its `localStorage` accesses, each
 * synchronous main-thread work: {@link instrumentStorage} goes to `page.addInitScript()` (it runs
 * in the page before any of its scripts), {@link storageCounts} reads the counts back. Shared by
 * `e2e/storage-use.spec.ts` and the benchmark.
 */

/** Runs in the page: wraps the accessors, counting into `window.__storageCounts`. */
export function instrumentStorage() {
  const counts = { cookieReads: 0, cookieWrites: 0, localStorage: 0 }
  window.__storageCounts = counts
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    get() {
      counts.cookieReads++
      return cookie.get.call(this)
    },
    set(value) {
      counts.cookieWrites++
      cookie.set.call(this, value)
    },
  })
  let owner = window
  while (owner && !Object.getOwnPropertyDescriptor(owner, 'localStorage')) owner = Object.getPrototypeOf(owner)
  const storage = Object.getOwnPropertyDescriptor(owner, 'localStorage')
  Object.defineProperty(window, 'localStorage', {
    configurable: true,
    get() {
      counts.localStorage++
      return storage.get.call(window)
    },
  })
}

/**
 * The counts so far in `page`.
 * @returns {Promise<{ cookieReads: number, cookieWrites: number, localStorage: number }>}
 */
export const storageCounts = (page) => page.evaluate(() => ({ ...window.__storageCounts }))
