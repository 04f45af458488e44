/** Page helpers for tests under happy-dom: move the page to a URL, clear every cookie it saw. */
import { forgetCookies } from '../../src/browser/cookie-storage'

/**
 * Waits for the next task, as a new page view or a later event would: the built files read
 * `document.cookie` at most once per task, so cookies a test changed show there after this.
 * (The sources' cookie reads are reset by the helpers here directly.)
 */
export const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve))

const visited = new Set<string>()

/** Navigates the test window to `url` (any origin), as a landing on that page would. */
export function setPage(url: string, init: { title?: string; referrer?: string } = {}): void {
  ;(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url)
  visited.add(url)
  // A new page: the cookies it sees are read again.
  forgetCookies()
  document.title = init.title ?? ''
  Object.defineProperty(document, 'referrer', { configurable: true, get: () => init.referrer ?? '' })
}

/** Expires every cookie visible from the current page, on every domain it could be set on. */
function expireVisibleCookies(): void {
  const names = document.cookie.split('; ').filter(Boolean).map((pair) => pair.split('=')[0])
  const labels = location.hostname.split('.')
  const domains = [undefined, ...labels.map((_, i) => labels.slice(i).join('.'))]
  for (const name of names) {
    for (const domain of domains) {
      document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/${domain ? '; domain=' + domain : ''}`
    }
  }
  forgetCookies()
}

// Window and document listeners added since the last clear: a new page would not have them.
const listeners: Array<[Window | Document, ...Parameters<typeof window.removeEventListener>]> = []
for (const target of [window, document] as const) {
  const add = target.addEventListener.bind(target)
  target.addEventListener = ((...args: Parameters<typeof window.addEventListener>) => {
    listeners.push([target, ...args])
    add(...args)
  }) as typeof window.addEventListener
}

// Mutation observers made since the last clear: a new page would not have them either.
const observers: MutationObserver[] = []
if (typeof MutationObserver == 'function') {
  const Observer = MutationObserver
  window.MutationObserver = class extends Observer {
    constructor(callback: MutationCallback) {
      super(callback)
      observers.push(this)
    }
  }
}

// The history methods as a fresh page has them, before a tracker wraps them.
const { pushState, replaceState } = history

/** Removes the window and document listeners and mutation observers added since the last clear and the history wrappers, as leaving the page would. */
export function clearListeners(): void {
  for (const [target, ...args] of listeners.splice(0)) target.removeEventListener(...args)
  for (const observer of observers.splice(0)) observer.disconnect()
  Object.assign(history, { pushState, replaceState })
}

/**
 * Leaves the window as a new page would find it: clears the cookies of every page visited
 * since the last call, the page's in-flight reports, its window listeners and its storage
 * (the outbox), and goes back to localhost.
 */
export function clearBrowserState(): void {
  clearListeners()
  delete (window as { __affitor?: unknown }).__affitor
  localStorage.clear()
  for (const url of visited) {
    setPage(url)
    expireVisibleCookies()
  }
  visited.clear()
  setPage('http://localhost:3000/')
  expireVisibleCookies()
}

/** Clears the cookies visible from the current page and nothing else, as a visitor's "clear cookies" does. */
export function clearCookiesOnly(): void {
  expireVisibleCookies()
}

/** Records every string written to `document.cookie` (attributes included) until `stop()`. */
export function captureCookieWrites(): { writes: string[]; stop(): void } {
  let proto = Object.getPrototypeOf(document)
  while (!Object.getOwnPropertyDescriptor(proto, 'cookie')) proto = Object.getPrototypeOf(proto)
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'cookie')!
  const writes: string[] = []
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get: () => descriptor.get!.call(document),
    set: (value: string) => {
      writes.push(value)
      descriptor.set!.call(document, value)
    },
  })
  return {
    writes,
    stop: () => delete (document as unknown as Record<string, unknown>).cookie,
  }
}

/** Makes `document.cookie` throw as in a sandboxed frame or with cookies blocked; returns the undo. */
export function blockCookies(): () => void {
  forgetCookies()
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get: () => {
      throw new DOMException('blocked', 'SecurityError')
    },
    set: () => {
      throw new DOMException('blocked', 'SecurityError')
    },
  })
  return () => {
    delete (document as unknown as Record<string, unknown>).cookie
    forgetCookies()
  }
}

/** Makes `localStorage` throw on access, as with storage disabled or in a sandboxed frame; returns the undo. */
export function blockStorage(): () => void {
  const storage = localStorage
  Object.defineProperty(window, 'localStorage', {
    configurable: true,
    get: () => {
      throw new DOMException('blocked', 'SecurityError')
    },
  })
  return () => Object.defineProperty(window, 'localStorage', { configurable: true, value: storage })
}

/** Makes every write to localStorage fail as a full one does (`QuotaExceededError`); returns the undo. */
export function fillStorage(): () => void {
  const storage = localStorage
  const full = () => {
    throw new DOMException('full', 'QuotaExceededError')
  }
  const proxy = new Proxy(storage, { get: (_, key) => storage[key as string], set: full, deleteProperty: full })
  Object.defineProperty(window, 'localStorage', { configurable: true, value: proxy })
  return () => Object.defineProperty(window, 'localStorage', { configurable: true, value: storage })
}
