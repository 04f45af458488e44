import { act, StrictMode, type ReactNode } from 'react'
import { createRoot, hydrateRoot, type Root } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeApi } from '../helpers/fake-api'
import { clearBrowserState, setPage } from '../helpers/page'

type Binding = typeof import('../../src/react')

// Tells React that updates are awaited with act(), as a test renderer does.
;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

// dist/react.js imports 'affitor-tracker', which vitest.config.ts points at the sources.
const builds: Array<[string, () => Promise<Binding>]> = [
  ['source', () => import('../../src/react')],
  ['built ESM (dist/react.js)', () => import('../../dist/react.js' as string)],
]

describe.each(builds)('affitor-tracker/react: %s', (_name, load) => {
  let api: ReturnType<typeof fakeApi>
  let binding: Binding
  let container: HTMLElement
  let root: Root | undefined

  beforeEach(async () => {
    // A fresh page singleton and navigation watch for each test.
    vi.resetModules()
    binding = await load()
    api = fakeApi()
    container = document.body.appendChild(document.createElement('div'))
  })
  afterEach(() => {
    act(() => root?.unmount())
    root = undefined
    container.remove()
    clearBrowserState()
  })

  /** Renders what `useAffitor()` returns, as JSON, and keeps it for the test to call. */
  let hook: ReturnType<Binding['useAffitor']>
  function Show() {
    hook = binding.useAffitor()
    const { ready, clickId, data } = hook
    return <pre>{JSON.stringify({ ready, clickId, partnerCode: data && data.partnerCode })}</pre>
  }
  const shown = () => JSON.parse(container.textContent || 'null')

  async function render(node: ReactNode) {
    root = createRoot(container)
    await act(async () => root!.render(node))
  }

  it('shows the click id once the landing is answered, from one click', async () => {
    setPage('https://www.shop.test/?aff=P1')
    await render(
      <binding.AffitorProvider programId={1} transport={api.transport}>
        <Show />
      </binding.AffitorProvider>,
    )
    await vi.waitFor(() => expect(shown()).toEqual({ ready: true, clickId: 'clk_1', partnerCode: 'P1' }))
    expect(api.clicks()).toHaveLength(1)
    expect(api.clicks()[0].body).toMatchObject({ affiliate_url: 'https://www.shop.test/?aff=P1', additional_data: { program_id: '1' } })
  })

  it('sends the lead from signup() with the click id, and resolves with the result', async () => {
    setPage('https://www.shop.test/?aff=P1')
    await render(
      <binding.AffitorProvider programId={1} transport={api.transport}>
        <Show />
      </binding.AffitorProvider>,
    )
    let result: unknown
    await act(async () => {
      result = await hook.signup('user_1', 'a@b.co')
    })
    expect(result).toMatchObject({ ok: true, status: 200 })
    expect(api.leads()).toHaveLength(1)
    expect(api.leads()[0].body).toMatchObject({ customer_key: 'user_1', email: 'a@b.co', click_id: 'clk_1', program_id: '1' })
    expect(shown()).toEqual({ ready: true, clickId: 'clk_1', partnerCode: 'P1' })
  })

  it('makes one tracker and one click under StrictMode and with two providers', async () => {
    setPage('https://www.shop.test/?aff=P1')
    await render(
      <StrictMode>
        <binding.AffitorProvider programId={1} transport={api.transport}>
          <binding.AffitorProvider programId={1} transport={api.transport} />
          <Show />
        </binding.AffitorProvider>
      </StrictMode>,
    )
    await vi.waitFor(() => expect(shown()).toMatchObject({ clickId: 'clk_1' }))
    expect(api.clicks()).toHaveLength(1)
    // The provider's tracker is the package's shared one: the named functions answer through it.
    const shared = await import('affitor-tracker')
    await expect(shared.trackClick()).resolves.toMatchObject({ ok: true })
  })

  it('reads the attribution again after a client-side navigation to another partner code', async () => {
    setPage('https://www.shop.test/?aff=P1')
    await render(
      <binding.AffitorProvider programId={1} transport={api.transport}>
        <Show />
      </binding.AffitorProvider>,
    )
    await vi.waitFor(() => expect(shown()).toMatchObject({ clickId: 'clk_1' }))
    await act(async () => {
      history.pushState(null, '', '/pricing?aff=P2')
      await vi.waitFor(() => expect(api.clicks()).toHaveLength(2))
      // A task later, the answer and the re-read are done.
      await new Promise((resolve) => setTimeout(resolve))
    })
    expect(shown()).toEqual({ ready: true, clickId: 'clk_2', partnerCode: 'P2' })
    expect(api.clicks()).toHaveLength(2)
  })

  it('hydrates server markup without a mismatch, then shows the stored click', async () => {
    setPage('https://www.shop.test/')
    document.cookie = 'affitor_click_id=clk_9; path=/'
    document.cookie = 'affitor_partner_code=P2; path=/'
    const app = (
      <binding.AffitorProvider programId={1} transport={api.transport}>
        <Show />
      </binding.AffitorProvider>
    )
    // Rendered as a server would: nothing read, nothing sent.
    container.innerHTML = renderToString(app)
    expect(shown()).toEqual({ ready: false, clickId: null, partnerCode: null })
    const mismatch = vi.fn()
    await act(async () => {
      root = hydrateRoot(container, app, { onRecoverableError: mismatch })
    })
    await vi.waitFor(() => expect(shown()).toEqual({ ready: true, clickId: 'clk_9', partnerCode: 'P2' }))
    expect(mismatch).not.toHaveBeenCalled()
    expect(api.received).toHaveLength(0)
  })

  it('takes the choice from grantConsent() and revokeConsent(), and reads the attribution again', async () => {
    setPage('https://www.shop.test/?aff=P1')
    await render(
      <binding.AffitorProvider programId={1} transport={api.transport} requireConsent>
        <Show />
      </binding.AffitorProvider>,
    )
    await vi.waitFor(() => expect(shown()).toMatchObject({ ready: true }))
    expect(shown()).toMatchObject({ clickId: null })
    expect(api.received).toHaveLength(0)
    await act(async () => hook.grantConsent())
    await vi.waitFor(() => expect(shown()).toMatchObject({ clickId: 'clk_1' }))
    await act(async () => hook.revokeConsent())
    expect(shown()).toEqual({ ready: true, clickId: null, partnerCode: null })
  })

  it('throws a clear error for useAffitor() outside a provider and for a provider without programId', async () => {
    // React logs the error it rethrows: kept out of the test output.
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => renderToString(<Show />)).toThrow('useAffitor() must be called inside <AffitorProvider')
    expect(() => renderToString(<binding.AffitorProvider {...({} as { programId: number })} />)).toThrow(
      new TypeError('<AffitorProvider>: programId is required'),
    )
  })
})
