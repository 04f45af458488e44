import { afterEach, describe, expect, it, vi } from 'vitest'
import { CLICK_COOKIE, readCookie, writeCookie } from '../../src/browser/cookie-storage'
import { asScriptTag, freshScriptTagPage, resetGlobals } from '../helpers/cdn'
import { fakeApi } from '../helpers/fake-api'
import { clearBrowserState, nextTask, setPage } from '../helpers/page'

// A page written against Affitor's own script, with this tracker's script tag instead.

type Global = Record<string, any>
const w = window as unknown as { affitor?: Global; affitorQueue?: any; AFFITOR_PROGRAM_ID?: unknown }
const page = freshScriptTagPage()
afterEach(() => {
  delete w.AFFITOR_PROGRAM_ID
  clearBrowserState()
})

const load = (attributes: Record<string, string>) => asScriptTag(attributes, () => import('../../src/browser/cdn'))

describe('the program id, as Affitor\'s script reads it', () => {
  it('from data-affitor-program', async () => {
    setPage('https://www.shop.test/?aff=P1')
    await load({ 'data-affitor-program': '59' })
    await vi.waitFor(() => expect(page().clicks()).toHaveLength(1))
    expect(page().clicks()[0].body.additional_data).toEqual({ program_id: '59' })
  })

  it('from window.AFFITOR_PROGRAM_ID; data-affitor-program-id wins over both', async () => {
    setPage('https://www.shop.test/?aff=P1')
    w.AFFITOR_PROGRAM_ID = 60
    await load({})
    await vi.waitFor(() => expect(page().clicks()).toHaveLength(1))
    expect(page().clicks()[0].body.additional_data).toEqual({ program_id: '60' })
    expect(w.affitor!.programId).toBe(60)

    clearBrowserState()
    resetGlobals()
    vi.resetModules()
    setPage('https://www.shop.test/?aff=P2')
    await load({ 'data-affitor-program-id': '61', 'data-affitor-program': '62' })
    expect(w.affitor!.programId).toBe(61)

    // data-affitor-program before the global.
    clearBrowserState()
    resetGlobals()
    vi.resetModules()
    w.AFFITOR_PROGRAM_ID = 63
    await load({ 'data-affitor-program': '64' })
    expect(w.affitor!.programId).toBe(64)
  })

  it('never from Object.prototype', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    ;(Object.prototype as Global).AFFITOR_PROGRAM_ID = 66
    try {
      setPage('https://www.shop.test/?aff=P1')
      await load({})
      expect(w.affitor).toBeUndefined()
      expect(error).toHaveBeenCalled()
    } finally {
      delete (Object.prototype as Global).AFFITOR_PROGRAM_ID
      error.mockRestore()
    }
  })
})

describe('trackLead({ email, user_id })', () => {
  it('is signup(user_id, email), called or queued, its lead saying has_attribution', async () => {
    setPage('https://www.shop.test/?aff=P1')
    w.affitorQueue = [['trackLead', { email: 'q@shop.test', user_id: 'user_q' }]]
    await load({ 'data-affitor-program-id': '59' })
    await vi.waitFor(() => expect(page().leads()).toHaveLength(1))
    expect(page().leads()[0].body).toMatchObject({ customer_key: 'user_q', email: 'q@shop.test', click_id: 'clk_1', has_attribution: true })
    await expect(w.affitor!.trackLead({ email: 'a@shop.test', user_id: 'user_a' })).resolves.toMatchObject({ ok: true, status: 200 })
    await w.affitor!.trackLead({ email: 'b@shop.test', customer_key: 'user_b' })
    expect(page().leads().map((lead) => lead.body.customer_key)).toEqual(['user_q', 'user_a', 'user_b'])
  })

  it('says has_attribution: false without a click, and refuses a lead with no user id', async () => {
    setPage('https://www.shop.test/')
    await load({ 'data-affitor-program-id': '59' })
    await w.affitor!.trackLead({ email: 'a@shop.test', user_id: 'user_a' })
    expect(page().leads()[0].body).toMatchObject({ customer_key: 'user_a', has_attribution: false })
    expect(page().leads()[0].body).not.toHaveProperty('click_id')
    await expect(w.affitor!.trackLead({ email: 'b@shop.test' })).resolves.toMatchObject({ ok: false, error: 'invalid customerKey' })
    // A database id as a number is that id.
    await w.affitor!.trackLead({ email: 'n@shop.test', user_id: 123 })
    expect(page().leads()[1].body).toMatchObject({ customer_key: '123' })
    await expect(w.affitor!.trackLead(null)).resolves.toMatchObject({ ok: false })
    ;(Object.prototype as Global).user_id = 'polluted'
    try {
      await expect(w.affitor!.trackLead({ email: 'c@shop.test' })).resolves.toMatchObject({ ok: false })
    } finally {
      delete (Object.prototype as Global).user_id
    }
    expect(page().leads()).toHaveLength(2)
  })
})

it('keeps the properties of Affitor\'s instance current: clickId, hasAffiliateAttribution, affiliateUrl, programId, debugMode, loaded', async () => {
  setPage('https://www.shop.test/pricing?aff=P1&utm_source=x')
  let answer!: () => void
  const api = fakeApi(async () => (await new Promise<void>((resolve) => (answer = resolve)), undefined))
  vi.stubGlobal('fetch', api.fetch)
  await load({ 'data-affitor-program-id': '59', 'data-affitor-debug': 'false' })
  const affitor = w.affitor!
  const properties = (instance: Global) => {
    const { clickId, hasAffiliateAttribution, affiliateUrl, programId, debugMode, loaded } = instance
    return { clickId, hasAffiliateAttribution, affiliateUrl, programId, debugMode, loaded }
  }
  expect(properties(affitor)).toEqual({ clickId: null, hasAffiliateAttribution: false, affiliateUrl: null, programId: 59, debugMode: false, loaded: true })
  await vi.waitFor(() => expect(answer).toBeTypeOf('function'))
  answer()
  await vi.waitFor(() => expect(affitor.clickId).toBe('clk_1'))
  expect(properties(affitor)).toMatchObject({ hasAffiliateAttribution: true, affiliateUrl: 'https://www.shop.test/pricing?aff=P1&utm_source=x' })
  // The next page view: still attributed, no landing URL kept.
  resetGlobals()
  vi.resetModules()
  setPage('https://www.shop.test/account')
  await load({ 'data-affitor-program': 'acme', 'data-affitor-debug': 'true' })
  expect(properties(w.affitor!)).toEqual({ clickId: 'clk_1', hasAffiliateAttribution: true, affiliateUrl: null, programId: 'acme', debugMode: true, loaded: true })
})

describe('the cookie of older versions of Affitor\'s script', () => {
  it('takes the click id in customer_code on a plain page view, and sends it with the lead', async () => {
    setPage('https://www.shop.test/')
    writeCookie('customer_code', 'cust_legacy', 30, 'shop.test')
    await load({ 'data-affitor-program-id': '59' })
    expect(readCookie(CLICK_COOKIE)).toBe('cust_legacy')
    await w.affitor!.signup('user_1', 'a@shop.test')
    expect(page().leads()[0].body).toMatchObject({ click_id: 'cust_legacy', has_attribution: true })
    expect(page().clicks()).toHaveLength(0)
    // Left as it is (the site may use that name), and deleted with the rest on revokeConsent().
    await nextTask()
    expect(readCookie('customer_code')).toBe('cust_legacy')
    w.affitor!.revokeConsent()
    await nextTask()
    expect(document.cookie).not.toContain('customer_code')
  })

  it('never replaces a click this tracker stored, and takes no value that is no click id', async () => {
    setPage('https://www.shop.test/')
    writeCookie(CLICK_COOKIE, 'clk_new', 60)
    writeCookie('customer_code', 'cust_old', 30)
    await load({ 'data-affitor-program-id': '59' })
    expect(w.affitor!.clickId).toBe('clk_new')

    clearBrowserState()
    resetGlobals()
    vi.resetModules()
    setPage('https://www.shop.test/')
    writeCookie('customer_code', '{"cart":[1,2]}', 30)
    await load({ 'data-affitor-program-id': '59' })
    expect(w.affitor!.clickId).toBeNull()
  })

  it('is left alone while consent is pending', async () => {
    setPage('https://www.shop.test/')
    writeCookie('customer_code', 'cust_legacy', 30)
    await load({ 'data-affitor-program-id': '59', 'data-affitor-require-consent': 'true' })
    expect(readCookie(CLICK_COOKIE)).toBeUndefined()
    expect(readCookie('customer_code')).toBe('cust_legacy')
  })
})

describe('loadAffitor(), as @affitor/tracker exports it', () => {
  it('resolves to one instance with the tracker and Affitor\'s API', async () => {
    setPage('https://www.shop.test/?aff=P3')
    const { loadAffitor } = await import('../../src/index')
    const affitor = await loadAffitor('59', { apiBase: 'http://api.test', env: 'production', debug: false })
    expect(await loadAffitor('59')).toBe(affitor)
    expect(affitor).toMatchObject({ programId: 59, loaded: true, debugMode: false })
    await vi.waitFor(() => expect(affitor!.clickId).toBe('clk_1'))
    expect(affitor!.hasAffiliateAttribution).toBe(true)
    expect(affitor!.affiliateUrl).toBe('https://www.shop.test/?aff=P3')
    await affitor!.trackLead({ email: 'a@shop.test', user_id: 'user_a' })
    await affitor!.signup('user_b', 'b@shop.test')
    expect(page().leads().map((lead) => lead.body)).toMatchObject([
      { customer_key: 'user_a', click_id: 'clk_1', has_attribution: true },
      { customer_key: 'user_b', click_id: 'clk_1' },
    ])
    expect(page().received.every((event) => event.url.startsWith('http://api.test/'))).toBe(true)
  })

  it('rejects without a program id, and loads on the next call', async () => {
    const { loadAffitor } = await import('../../src/index')
    await expect(loadAffitor(undefined as never)).rejects.toThrow(TypeError)
    await expect(loadAffitor(59, { apiBase: 'http://api.test' })).resolves.toMatchObject({ programId: 59 })
  })
})
