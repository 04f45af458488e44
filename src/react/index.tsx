/**
 * The React binding, `affitor-tracker/react`: `<AffitorProvider>` starts the page's tracker
 * once, `useAffitor()` reads the visitor's attribution and reports the signup. A client
 * component: the build writes `"use client"` as the first line of each file (tsup.config.ts),
 * where React Server Components bundlers look for it; kept out of here so that it is not there twice.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactElement, type ReactNode } from 'react'
import { init, onNavigation, type AttributionData, type TrackerOptions, type TrackResult } from 'affitor-tracker'

/** Props of {@link AffitorProvider}: the tracker's options, and the tree that calls {@link useAffitor}. */
export interface AffitorProviderProps extends TrackerOptions {
  /** The components that may call {@link useAffitor}. */
  children?: ReactNode
}

/** What {@link useAffitor} returns. Its functions keep their identity across renders. */
export interface UseAffitorResult {
  /**
   * `false` while rendering on the server and on the first render in the browser (so that both
   * render the same markup), and until the landing's click is answered; then `true`.
   */
  ready: boolean
  /** The stored click id, or `null`: always `null` while rendering on the server and on the first render. */
  clickId: string | null
  /** The visitor's attribution, or `null` while rendering on the server and on the first render. */
  data: AttributionData | null
  /**
   * The tracker's `signup()`: ties your own stable user id to the stored click, after
   * registration. Resolves with the result (it never rejects), then `data` is read again.
   * @example const result = await signup(user.id, user.email)
   */
  signup(customerKey: string, email?: string): Promise<TrackResult>
  /** The tracker's `trackClick()`, for `autoTrack: false`; `data` is read again once it resolves. */
  trackClick(): Promise<TrackResult>
  /** The tracker's `grantConsent()`; `data` is read again once the held click is answered. */
  grantConsent(): void
  /** The tracker's `revokeConsent()`; `data` is read again (empty). */
  revokeConsent(): void
}

type State = Pick<UseAffitorResult, 'data' | 'ready'>
type Actions = Omit<UseAffitorResult, keyof State | 'clickId'>

const Context = createContext<(State & Actions) | null>(null)

/**
 * Starts tracking for the components inside it, and gives them {@link useAffitor}. Put it once
 * near the root (in Next.js, in the root `app/layout.tsx`: it is a client component). Takes
 * every option of `createTracker()`; throws a `TypeError` while rendering when `programId`
 * is missing.
 *
 * The page has one tracker, the package's shared one (`init()`): it is created in the
 * browser after the first render, so a React StrictMode double mount or a second provider
 * reuses it and its options are those of the first mount; a script tag on the same page
 * joins its click request. Nothing runs on the server.
 *
 * @example
 * <AffitorProvider programId={123} apiBase="https://api.affitor.com">
 *   <App />
 * </AffitorProvider>
 */
export function AffitorProvider({ children, ...options }: AffitorProviderProps): ReactElement {
  // A programmer error, thrown where it is made and on the server too, rather than in an effect.
  if (!String(options.programId ?? '').trim()) throw new TypeError('<AffitorProvider>: programId is required')
  const [state, setState] = useState<State>({ data: null, ready: false })
  const [actions] = useState(() => bind(options, setState))
  // The cookies are read only here, after the first render: the server has none to read, and
  // the browser's first render must match the server's markup.
  useEffect(() => {
    actions.read(false)
    actions.settle()
    return afterNavigation(actions.settle)
  }, [actions])
  const value = useMemo(() => ({ ...state, ...actions.public }), [state, actions])
  return <Context.Provider value={value}>{children}</Context.Provider>
}

/** The provider's functions, bound to its state once: they keep their identity across renders. */
function bind(options: TrackerOptions, setState: (update: (state: State) => State) => void) {
  // The shared tracker, created on first use: in an effect or an event handler, in the browser.
  const tracker = () => init(options)
  /** Reads the cookies again; re-renders only when something changed. */
  const read = (ready: boolean) => {
    const data = tracker().getData()
    setState((state) => {
      const next = { data, ready: state.ready || ready }
      return next.ready == state.ready && same(state.data, data) ? state : next
    })
  }
  const refresh = () => read(false)
  /**
   * Reads the cookies once the click for the current URL is answered: with `autoTrack`, this
   * call joins the request the tracker already made for it (one per key in the page).
   */
  const settle = () => (options.autoTrack === false ? Promise.resolve() : tracker().trackClick()).then(() => read(true))
  const actions: Actions = {
    signup: (customerKey, email) => tracker().signup(customerKey, email).finally(refresh),
    trackClick: () => tracker().trackClick().finally(refresh),
    grantConsent() {
      tracker().grantConsent()
      settle()
    },
    revokeConsent() {
      tracker().revokeConsent()
      refresh()
    },
  }
  return { read, settle, public: actions }
}

const same = (a: AttributionData | null, b: AttributionData) =>
  !!a && a.clickId == b.clickId && a.partnerCode == b.partnerCode && a.programId == b.programId

/**
 * The visitor's attribution and the tracker's calls, for a component inside
 * {@link AffitorProvider}. Throws an `Error` while rendering when there is no provider above
 * (a programmer error). Server rendering and the first render in the browser get `ready: false`
 * and `null`s; the component renders again once the cookies are read, when the landing's click
 * is answered, after each client-side navigation and after each call.
 *
 * @example
 * const { clickId, signup } = useAffitor()
 * await signup(user.id, user.email)
 */
export function useAffitor(): UseAffitorResult {
  const value = useContext(Context)
  if (!value) throw new Error('useAffitor() must be called inside <AffitorProvider programId={…}>')
  return { ...value, clickId: value.data ? value.data.clickId : null }
}

const listeners = new Set<() => unknown>()
let watching = false

/**
 * Calls `listener` a task after each client-side navigation, as the tracker sees them; returns
 * the unsubscribe. One watch per page however many providers mount and unmount.
 */
function afterNavigation(listener: () => unknown): () => void {
  // A task later: a router calls pushState while React commits, when no update may be scheduled.
  if (!watching) onNavigation(() => setTimeout(() => listeners.forEach((listener) => listener())))
  watching = true
  listeners.add(listener)
  return () => void listeners.delete(listener)
}
