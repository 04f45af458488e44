import { beforeEach, vi } from 'vitest'
import { fakeApi } from './fake-api'

/** Runs a CDN entry as the browser would for `<script src data-affitor-…>`: `document.currentScript` set meanwhile. */
export async function asScriptTag<T>(attributes: Record<string, string>, run: () => T | Promise<T>): Promise<T> {
  const script = document.createElement('script')
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value)
  document.head.appendChild(script)
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script })
  try {
    return await run()
  } finally {
    delete (document as unknown as Record<string, unknown>).currentScript
  }
}

/** Forgets what an earlier CDN script installed, as a fresh page would. */
export function resetGlobals(): void {
  const w = window as unknown as Record<string, unknown>
  delete w.affitor
  delete w.affitorQueue
  document.head.innerHTML = ''
}

/**
 * Before each test of a CDN entry, a fresh page: modules loaded anew, the entry's globals
 * forgotten, and `fetch` answered by a new fake API, which the returned function gives.
 */
export function freshScriptTagPage(): () => ReturnType<typeof fakeApi> {
  let api: ReturnType<typeof fakeApi>
  beforeEach(() => {
    vi.resetModules()
    resetGlobals()
    api = fakeApi()
    vi.stubGlobal('fetch', api.fetch)
  })
  return () => api
}
