/**
 * Hostile input, generated: thousands of URLs, cookie jars, server answers and call arguments.
 * Whatever a page or a server throws at the tracker, nothing escapes into the page, no promise
 * rejects, and what the tracker stores stays valid.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readPartnerCode } from '../../src/partner-code'
import { CLICK_COOKIE, createCookieStorage, PARTNER_COOKIE, readCookie } from '../../src/browser/cookie-storage'
import { OUTBOX_KEY, readOutbox } from '../../src/browser/outbox'
import { signupError } from '../../src/browser/signup'
import { createTracker } from '../../src/browser/tracker'
import type { Transport } from '../../src/browser/transport'
import { asScriptTag, resetGlobals } from '../helpers/cdn'
import { clearBrowserState, setPage } from '../helpers/page'

afterEach(clearBrowserState)

const RUNS = 1000
const SAFE_CODE = /^[\w.~-]{1,64}$/

/** Strings a hostile URL, cookie or caller might carry. */
const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%00', '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '\u202e', '💥'.repeat(40), 'a'.repeat(5000), ' P1 ', '__proto__', 'constructor'),
  fc.string({ unit: fc.constantFrom('%', 'a', '=', '&', ';', '+', '#', '?', ' ', '\u0000', '\uD800'), maxLength: 120 }),
)

/** Any value a caller might pass where a string is expected. */
const hostileValue = fc.oneof(hostileString, fc.anything({ maxDepth: 2 }))

/** Any answer a broken or hostile server might give. */
const hostileAnswer = fc.oneof(
  fc.record({ status: fc.integer({ min: -1, max: 999 }), data: fc.anything({ maxDepth: 3 }) }),
  fc.record({ status: fc.constant(200), data: fc.record({ success: fc.anything(), click_id: hostileValue, cookie_window_days: hostileValue }) }),
  fc.constant('throw' as const),
)

const validState = () => {
  const clickId = readCookie(CLICK_COOKIE)
  const partner = readCookie(PARTNER_COOKIE)
  if (partner !== undefined) expect(partner).toMatch(SAFE_CODE)
  if (clickId !== undefined) expect(typeof clickId).toBe('string')
}

// Hundreds of runs each: on a busy machine one test can take several seconds, not a fault.
describe('fuzz', { timeout: 60_000 }, () => {
  it('reads a partner code from any query string without throwing, and only a safe one', () => {
    fc.assert(
      fc.property(hostileString, hostileString, (query, param) => {
        const code = readPartnerCode('https://shop.test/?' + query, [param || 'aff', 'aff'])
        expect(code === null || SAFE_CODE.test(code)).toBe(true)
        expect(readPartnerCode('https://shop.test/?aff=' + query, ['aff']) ?? 'ok').not.toMatch(/[<>"'\s]/)
      }),
      { numRuns: RUNS * 5 },
    )
  })

  it('reads any cookie jar without throwing', () => {
    setPage('https://www.shop.test/')
    fc.assert(
      fc.property(hostileString, hostileString, (name, value) => {
        document.cookie = `${CLICK_COOKIE}=${value.replace(/;/g, '')}; path=/`
        if (name && !/[=;\s,]/.test(name)) document.cookie = `${name}=${value.replace(/;/g, '')}; path=/`
        const read = readCookie(CLICK_COOKIE)
        expect(read === undefined || typeof read == 'string').toBe(true)
        expect(createCookieStorage().set(CLICK_COOKIE, value, 1)).toBe(value)
      }),
      { numRuns: RUNS },
    )
  })

  it('refuses or accepts any signup arguments with a verdict, never an exception', () => {
    fc.assert(
      fc.property(hostileValue, hostileValue, (key, email) => {
        const verdict = signupError(key, email)
        expect(verdict === undefined || typeof verdict == 'string').toBe(true)
        if (verdict === undefined) expect(typeof key == 'string' && key.trim() && key.length <= 256).toBeTruthy()
      }),
      { numRuns: RUNS * 5 },
    )
  })

  it('never throws or rejects, whatever the URL, the arguments and the server answer', async () => {
    let sent = 0
    let stored = 0
    const methods = fc.constantFrom('trackClick', 'signup', 'getClickId', 'getData', 'grantConsent', 'revokeConsent')
    const calls = fc.array(fc.tuple(methods, hostileValue, hostileValue), { maxLength: 4 })
    await fc.assert(
      // Half the landings carry a valid code, so that the garbage answers reach the click path.
      fc.asyncProperty(fc.oneof(hostileString, fc.stringMatching(/^[A-Z0-9_]{1,12}$/)), fc.array(hostileAnswer, { minLength: 1, maxLength: 4 }), calls, async (query, answers, script) => {
        clearBrowserState()
        setPage('https://www.shop.test/landing?aff=' + query)
        let next = 0
        const transport: Transport = {
          async send() {
            sent++
            const answer = answers[next++ % answers.length]
            if (answer == 'throw') throw new TypeError('Failed to fetch')
            return answer
          },
        }
        const tracker = createTracker({ programId: 1, transport, requireConsent: query.length % 2 == 0 })
        for (const [method, a, b] of script) {
          const result = (tracker as any)[method](a, b)
          if (method == 'trackClick' || method == 'signup') {
            const settled = await result
            expect(typeof settled.ok).toBe('boolean')
            expect(typeof settled.status).toBe('number')
          }
        }
        tracker.grantConsent()
        await tracker.trackClick()
        const data = tracker.getData()
        if (data.clickId !== null) stored++
        expect(data.hasAttribution).toBe(data.clickId !== null)
        validState()
      }),
      { numRuns: RUNS },
    )
    // The generated cases did reach the network and the cookie, not only the early refusals.
    expect(sent).toBeGreaterThan(RUNS / 4)
    expect(stored).toBeGreaterThan(0)
  })

  it('survives any outbox another script left in localStorage, and leaves a valid one', async () => {
    const stored = fc.oneof(
      fc.json(),
      hostileString,
      fc.array(fc.record({ id: hostileValue, type: fc.constantFrom('click', 'lead', 'sale', '__proto__'), body: fc.anything({ maxDepth: 2 }), at: fc.oneof(fc.integer(), fc.constant(Date.now())), tries: hostileValue, next: hostileValue }, { requiredKeys: [] }), { maxLength: 5 }).map((list) => JSON.stringify(list)),
    )
    await fc.assert(
      fc.asyncProperty(stored, async (garbage) => {
        clearBrowserState()
        localStorage.setItem(OUTBOX_KEY, garbage)
        const read = readOutbox()
        expect(Array.isArray(read)).toBe(true)
        setPage('https://www.shop.test/?aff=P1')
        const transport: Transport = { send: async () => ({ status: 200, data: { success: true, click_id: 'clk_1' } }) }
        const tracker = createTracker({ programId: 1, transport })
        expect(typeof (await tracker.trackClick()).ok).toBe('boolean')
        expect(typeof (await tracker.signup('user_1')).ok).toBe('boolean')
        expect(Array.isArray(readOutbox())).toBe(true)
        validState()
      }),
      { numRuns: RUNS },
    )
  })

  it('takes nothing from what another script left in localStorage under the cookies\' names, and answers only strings or null', async () => {
    const copy = fc.oneof(
      fc.json(),
      hostileString,
      fc.tuple(hostileValue, fc.oneof(hostileValue, fc.constant(Date.now() + 864e5), fc.double())).map((pair) => JSON.stringify(pair)),
    )
    await fc.assert(
      fc.asyncProperty(copy, copy, copy, fc.boolean(), async (click, partner, consent, requireConsent) => {
        clearBrowserState()
        localStorage.setItem(CLICK_COOKIE, click)
        localStorage.setItem(PARTNER_COOKIE, partner)
        localStorage.setItem('affitor_consent', consent)
        setPage('https://www.shop.test/')
        const transport: Transport = { send: async () => ({ status: 200, data: { success: true } }) }
        const tracker = createTracker({ programId: 1, transport, requireConsent })
        expect(tracker.getData()).toMatchObject({ clickId: null, partnerCode: null, hasAttribution: false })
        expect(tracker.getClickId()).toBeNull()
        expect(typeof (await tracker.signup('user_1')).ok).toBe('boolean')
        expect(readCookie(CLICK_COOKIE)).toBeUndefined()
      }),
      { numRuns: RUNS },
    )
  })

  it('keeps the script tag running whatever the page pushes into its queues', async () => {
    // The development build reports each call it could not make; thousands of them are expected here.
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    setPage('https://www.shop.test/?aff=P1')
    resetGlobals()
    ;(window as any).affitorQueue = [['signup', 'user_1'], null, 42, 'signup', ['nope'], { length: -1 }]
    ;(globalThis as any).fetch = async () => Response.json({ success: true, click_id: 'clk_1' })
    await asScriptTag({ 'data-affitor-program-id': '1', 'data-affitor-api-base': 'http://api.test' }, () => import('../../src/browser/cdn'))
    const affitor = (window as any).affitor
    await fc.assert(
      fc.asyncProperty(fc.array(hostileValue, { maxLength: 4 }), async (call) => {
        expect(() => affitor(...call)).not.toThrow()
        expect(() => (window as any).affitorQueue.push(call)).not.toThrow()
        expect(() => (window as any).affitorQueue.push(call[0])).not.toThrow()
        await Promise.resolve(affitor(...call)).catch(() => expect.unreachable('a queued call rejected'))
      }),
      { numRuns: RUNS },
    )
    expect(typeof affitor.getData().hasAttribution).toBe('boolean')
    expect(errors.mock.calls.every(([prefix]) => prefix == '[affitor]')).toBe(true)
    delete (globalThis as any).fetch
  })
})
