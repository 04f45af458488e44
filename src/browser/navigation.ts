import { withoutParams } from './redact-url'

/**
 * Calls `listener` after every client-side navigation of a single-page app: after
 * `history.pushState` and `history.replaceState`, which fire no event and are therefore
 * wrapped, and on `popstate` (back and forward), which it is given as its argument `restore`,
 * to tell going back to an entry from a new one. A call the browser refuses (a URL of
 * another origin) throws to its caller as before and calls nothing. Does nothing without a DOM.
 * The tracker watches navigations this way with `autoTrack`; the React binding re-reads the
 * attribution after them.
 *
 * @example onNavigation(() => console.log('now at', location.href))
 */
export function onNavigation(listener: (restore?: PopStateEvent) => unknown): void {
  if (typeof history != 'undefined') watchNavigation(listener)
}

/** {@link onNavigation} for the tracker, which calls it only in a page. */
export function watchNavigation(listener: (restore?: PopStateEvent) => unknown): void {
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name]
    try {
      // Both return nothing. The listener (the tracker's trackClick) never throws.
      history[name] = (...args: Parameters<History['pushState']>) => {
        original.apply(history, args)
        listener()
      }
    } catch {
      // A page that made them read-only: its navigations are not seen, the rest works.
    }
  }
  // Back and forward: the event, so the listener can tell them from new entries.
  addEventListener('popstate', listener)
}

/**
 * Removes the `param` query parameters (the partner code's names) from the address bar of the
 * page at `url` without a navigation, keeping the history entry's state, the other parameters
 * and the hash. Does nothing where the page may not change its URL (a sandboxed frame).
 */
export function removeParam(url: string, param: readonly string[]): void {
  try {
    history.replaceState(history.state, '', withoutParams(url, (name) => param.includes(name)))
  } catch {}
}
