import { afterEach, describe, expect, it, vi } from 'vitest'
import { CLICK_COOKIE, PARTNER_COOKIE, readCookie, writeCookie } from '../../src/browser/cookie-storage'
import { CLICK_AT_COOKIE, followLinks as start, LINK_PARAM, LINK_TTL, type LinkOptions } from '../../src/browser/links'
import { createTracker } from '../../src/browser/tracker'
import { fakeApi } from '../helpers/fake-api'
import { clearBrowserState, nextTask, setPage } from '../helpers/page'

// Each test's followLinks() stopped after it, as leaving the page would.
const stops: Array<() => void> = []
const followLinks = (options: LinkOptions) => {
  const stop = start(options)
  stops.push(stop)
  return stop
}

afterEach(() => {
  stops.splice(0).forEach((stop) => stop())
  vi.restoreAllMocks()
  vi.useRealTimers()
  clearBrowserState()
  document.body.innerHTML = ''
})

const options: LinkOptions = { programId: 42, linkDomains: ['shop.app', '*.shop.dev'], stripe: true }

/** A page of www.shop.test whose visitor has the click `clk_9` of partner P9, made at `at`. */
function attributed(at = 1_000) {
  setPage('https://www.shop.test/')
  writeCookie(CLICK_COOKIE, 'clk_9', 60)
  writeCookie(PARTNER_COOKIE, 'P9', 60)
  writeCookie(CLICK_AT_COOKIE, String(at), 60)
}

/** Adds `html` to the page and returns its first element. */
function add<T extends Element = HTMLAnchorElement>(html: string): T {
  document.body.insertAdjacentHTML('beforeend', html)
  return document.body.lastElementChild as T
}

/** The visitor presses on `el`, as before following a link. */
const press = (el: Element) => el.dispatchEvent(new Event('pointerdown', { bubbles: true, composed: true }))

/** What `affitor_link` carries in `url`. */
const carried = (url: string) => JSON.parse(new URL(url).searchParams.get(LINK_PARAM)!)

describe('links to the other domains', () => {
  it('carry the program, the click, its partner and time, and when they were followed, as the visitor follows them', () => {
    attributed(1_000)
    followLinks(options)
    const link = add('<a href="https://shop.app/signup?plan=pro&x=a%2Fb">Sign up</a>')
    expect(link.href).toBe('https://shop.app/signup?plan=pro&x=a%2Fb')
    const before = Date.now()
    press(link)
    const url = new URL(link.href)
    // The link's own parameters as they were written.
    expect(url.search.startsWith('?plan=pro&x=a%2Fb&affitor_link=')).toBe(true)
    const [program, click, partner, at, sent] = carried(link.href)
    expect([program, click, partner, at]).toEqual(['42', 'clk_9', 'P9', 1_000])
    expect(sent).toBeGreaterThanOrEqual(before)
    // Followed again: one parameter, renewed.
    press(link)
    expect(new URL(link.href).searchParams.getAll(LINK_PARAM)).toHaveLength(1)
  })

  it('match a listed host exactly, and a wildcard its domain and every subdomain; never other hosts or this one', () => {
    attributed()
    followLinks({ ...options, linkDomains: 'shop.app, *.shop.dev, www.shop.test' })
    const decorated = (href: string) => {
      const link = add(`<a href="${href}">x</a>`)
      press(link)
      return new URL(link.href).searchParams.has(LINK_PARAM)
    }
    expect(decorated('https://shop.app/')).toBe(true)
    expect(decorated('https://shop.dev/')).toBe(true)
    expect(decorated('https://app.eu.shop.dev/')).toBe(true)
    expect(decorated('https://www.shop.app/')).toBe(false)
    expect(decorated('https://evilshop.dev/')).toBe(false)
    expect(decorated('https://shop.app.evil.test/')).toBe(false)
    // This host shares the cookie already.
    expect(decorated('https://www.shop.test/pricing')).toBe(false)
    expect(decorated('/pricing')).toBe(false)
  })

  it('are left alone when no click is stored', () => {
    setPage('https://www.shop.test/')
    followLinks(options)
    const link = add('<a href="https://shop.app/">x</a>')
    press(link)
    expect(link.href).toBe('https://shop.app/')
  })

  it('carry it from a form: a GET form in a hidden field (its action loses its query), a POST form in its action', () => {
    attributed()
    followLinks(options)
    const get = add<HTMLFormElement>('<form action="https://shop.app/search"><input name="q"></form>')
    get.dispatchEvent(new Event('submit', { bubbles: true }))
    get.dispatchEvent(new Event('submit', { bubbles: true }))
    const fields = get.querySelectorAll<HTMLInputElement>(`input[name=${LINK_PARAM}]`)
    expect(fields).toHaveLength(1)
    expect(fields[0].type).toBe('hidden')
    expect(JSON.parse(fields[0].value).slice(0, 2)).toEqual(['42', 'clk_9'])
    expect(get.getAttribute('action')).toBe('https://shop.app/search')

    const post = add<HTMLFormElement>('<form method="post" action="https://shop.app/register?ref=1"></form>')
    post.dispatchEvent(new Event('submit', { bubbles: true }))
    expect(carried(post.getAttribute('action')!).slice(0, 2)).toEqual(['42', 'clk_9'])
    expect(new URL(post.getAttribute('action')!).searchParams.get('ref')).toBe('1')

    const elsewhere = add<HTMLFormElement>('<form method="post" action="https://other.test/"></form>')
    elsewhere.dispatchEvent(new Event('submit', { bubbles: true }))
    expect(elsewhere.getAttribute('action')).toBe('https://other.test/')
  })

  it('carry it into iframes: those there at start in place of their page, those added later as they load; never reloaded later', async () => {
    attributed()
    // Each with a `srcdoc`, which browsers show instead of `src`: no page is fetched here.
    const early = add<HTMLIFrameElement>('<iframe srcdoc="x" src="https://shop.app/widget"></iframe>')
    const replace = vi.fn()
    Object.defineProperty(early, 'contentWindow', { value: { location: { replace } } })
    followLinks(options)
    expect(carried(replace.mock.calls[0][0])[1]).toBe('clk_9')
    // Its src stays: setting it would add a history entry.
    expect(early.getAttribute('src')).toBe('https://shop.app/widget')
    const later = add<HTMLIFrameElement>('<iframe srcdoc="x" src="https://app.shop.dev/embed?a=1"></iframe>')
    const other = add<HTMLIFrameElement>('<iframe srcdoc="x" src="https://video.test/embed"></iframe>')
    await vi.waitFor(() => expect(carried(later.getAttribute('src')!)[1]).toBe('clk_9'))
    expect(other.getAttribute('src')).toBe('https://video.test/embed')
    expect(replace).toHaveBeenCalledTimes(1)
  })

  it('never throw into the page for an iframe it may not navigate', () => {
    attributed()
    const frame = add<HTMLIFrameElement>('<iframe srcdoc="x" src="https://shop.app/widget"></iframe>')
    Object.defineProperty(frame, 'contentWindow', {
      value: {
        location: {
          replace() {
            throw new DOMException('sandboxed', 'SecurityError')
          },
        },
      },
    })
    expect(() => followLinks(options)).not.toThrow()
    const link = add('<a href="https://shop.app/">x</a>')
    press(link)
    expect(link.href).toContain(LINK_PARAM)
  })

  it('leave an iframe of the landing page alone once its click is answered: it has loaded', async () => {
    setPage('https://www.shop.test/?aff=P1')
    const frame = add<HTMLIFrameElement>('<iframe srcdoc="x" src="https://shop.app/widget"></iframe>')
    followLinks(options)
    const tracker = createTracker({ programId: 42, apiBase: 'http://api.test', transport: fakeApi().transport })
    await tracker.trackClick()
    await nextTask()
    expect(frame.getAttribute('src')).toBe('https://shop.app/widget')
  })

  it('leave links of other schemes alone, and match no host when no domain is listed', () => {
    attributed()
    const stop = followLinks({ programId: 42, stripe: true, linkDomains: ' , ' })
    for (const href of ['mailto:a@shop.test', 'javascript:void 0', 'https://shop.app/']) {
      const link = add(`<a href="${href}">x</a>`)
      press(link)
      expect(link.getAttribute('href')).toBe(href)
    }
    stop()
    followLinks(options)
    for (const href of ['ftp://shop.app/file', 'ws://shop.app/socket']) {
      const link = add(`<a href="${href}">x</a>`)
      press(link)
      expect(link.getAttribute('href')).toBe(href)
    }
  })

  it('are left alone, and lose what they carried, once consent is revoked', () => {
    attributed()
    followLinks(options)
    const link = add('<a href="https://shop.app/">x</a>')
    const pay = add('<a href="https://buy.stripe.com/test_1">x</a>')
    press(link)
    press(pay)
    expect(link.href).toContain(LINK_PARAM)
    expect(pay.href).toContain('client_reference_id=clk_9')
    createTracker({ programId: 42, apiBase: 'http://api.test', transport: fakeApi().transport }).revokeConsent()
    press(link)
    press(pay)
    expect(link.href).toBe('https://shop.app/')
    expect(pay.href).toBe('https://buy.stripe.com/test_1')
  })

  it('never throw into the page, whose globals may look like a link (a global href)', () => {
    attributed()
    followLinks(options)
    ;(window as unknown as { href: string }).href = 'https://shop.app/'
    const errors: unknown[] = []
    const onError = (event: ErrorEvent) => errors.push(event.error)
    addEventListener('error', onError)
    try {
      add('<div>text</div>').dispatchEvent(new Event('pointerdown', { bubbles: true, composed: true }))
      document.body.dispatchEvent(new Event('click', { bubbles: true, composed: true }))
    } finally {
      removeEventListener('error', onError)
      delete (window as unknown as { href?: string }).href
    }
    expect(errors).toEqual([])
  })

  it('follow a submit button\'s own action and method, and a POST form whose field is named method', () => {
    attributed()
    followLinks(options)
    const form = add<HTMLFormElement>('<form action="/local"><button formaction="https://shop.app/register" formmethod="post">Go</button></form>')
    const button = form.querySelector('button')!
    form.dispatchEvent(Object.assign(new Event('submit', { bubbles: true }), { submitter: button }))
    expect(carried(button.getAttribute('formaction')!)[1]).toBe('clk_9')
    expect(form.getAttribute('action')).toBe('/local')
    const shadowed = add<HTMLFormElement>('<form method="post" action="https://shop.app/register"><input name="method" value="x"></form>')
    shadowed.dispatchEvent(new Event('submit', { bubbles: true }))
    expect(carried(shadowed.getAttribute('action')!)[1]).toBe('clk_9')
  })

  it('are followed once however often followLinks() is called, until it is stopped', () => {
    attributed()
    const frame = add<HTMLIFrameElement>('<iframe srcdoc="x" src="https://shop.app/widget"></iframe>')
    const replace = vi.fn()
    Object.defineProperty(frame, 'contentWindow', { value: { location: { replace } } })
    const stop = followLinks(options)
    const again = followLinks(options)
    expect(replace).toHaveBeenCalledTimes(1)
    const link = add('<a href="https://shop.app/">x</a>')
    again()
    press(link)
    expect(link.href).toContain(LINK_PARAM)
    stop()
    const later = add('<a href="https://shop.app/">x</a>')
    press(later)
    expect(later.href).toBe('https://shop.app/')
  })
})

describe('arriving from another domain', () => {
  /** The app's options: the marketing site on *.shop.test is its link domain. */
  const appOptions: LinkOptions = { programId: 42, linkDomains: '*.shop.test' }

  /** The visitor arrives at app.shop.app from a link of `referrer` decorated with `value`. */
  function arrive(value: unknown, search = '?plan=pro', referrer = 'https://www.shop.test/pricing') {
    setPage(`https://app.shop.app/welcome${search}&${LINK_PARAM}=${encodeURIComponent(typeof value == 'string' ? value : JSON.stringify(value))}#top`, { referrer })
  }

  it('stores the carried click as this site\'s, reports no click, and takes it out of the address bar', async () => {
    const api = fakeApi()
    const at = Date.now() - 60_000
    arrive(['42', 'clk_9', 'P9', at, Date.now()])
    followLinks(appOptions)
    createTracker({ programId: 42, apiBase: 'http://api.test', transport: api.transport })
    expect(location.href).toBe('https://app.shop.app/welcome?plan=pro#top')
    expect(readCookie(CLICK_COOKIE)).toBe('clk_9')
    expect(readCookie(PARTNER_COOKIE)).toBe('P9')
    expect(readCookie(CLICK_AT_COOKIE)).toBe(String(at))
    await nextTask()
    expect(api.received).toEqual([])
  })

  it('refuses a decoration from a page of no link domain, older than a few minutes, of another program, malformed, or for a click older than the window', () => {
    const refused = (value: unknown, referrer?: string) => {
      clearBrowserState()
      stops.splice(0).forEach((stop) => stop())
      arrive(value, '?plan=pro', referrer)
      followLinks(appOptions)
      const left = new URL(location.href).searchParams.has(LINK_PARAM)
      return readCookie(CLICK_COOKIE) === undefined && (left ? 'left' : 'cleaned')
    }
    const now = Date.now()
    expect(refused(['42', 'clk_9', 'P9', now, now])).toBe(false)
    // Forged elsewhere: no referrer, or one of a site that is no link domain.
    expect(refused(['42', 'clk_9', 'P9', now, now], '')).toBe('cleaned')
    expect(refused(['42', 'clk_9', 'P9', now, now], 'https://evil.test/')).toBe('cleaned')
    expect(refused(['42', 'clk_9', 'P9', now, now - LINK_TTL - 1])).toBe('cleaned')
    expect(refused(['42', 'clk_9', 'P9', now, now + 3_600_000])).toBe('cleaned')
    // A click made in the future would outlive its window.
    expect(refused(['42', 'clk_9', 'P9', now + 30 * 86_400_000, now])).toBe('cleaned')
    expect(refused(['42', 'clk_9', 'P9', now - 61 * 86_400_000, now])).toBe('cleaned')
    // Ids and codes no server gives, or too long for a cookie.
    expect(refused(['42', '', 'P9', now, now])).toBe('cleaned')
    expect(refused(['42', 'x'.repeat(201), 'P9', now, now])).toBe('cleaned')
    expect(refused(['42', 'clk 9', 'P9', now, now])).toBe('cleaned')
    expect(refused(['42', 'clk_9', 'P'.repeat(65), now, now])).toBe('cleaned')
    expect(refused(['42', 'clk_9', 'P9', 'soon', now])).toBe('cleaned')
    expect(refused('not json')).toBe('cleaned')
    expect(refused({ __proto__: { 0: '42' } })).toBe('cleaned')
    // Another program's: left for its own tracker.
    expect(refused(['7', 'clk_9', 'P9', now, now])).toBe('left')
    // Nor does a carried click delete the one stored here, whose time is unknown.
    clearBrowserState()
    setPage('https://app.shop.app/')
    writeCookie(CLICK_COOKIE, 'clk_local', 60)
    arrive(['42', 'clk_9', 'P9', now - 61 * 86_400_000, now])
    followLinks(appOptions)
    expect(readCookie(CLICK_COOKIE)).toBe('clk_local')
  })

  it('never replaces a newer click stored here, and replaces an older one (last click wins across domains)', () => {
    const now = Date.now()
    setPage('https://app.shop.app/')
    writeCookie(CLICK_COOKIE, 'clk_local', 60)
    writeCookie(CLICK_AT_COOKIE, String(now - 1_000), 60)
    arrive(['42', 'clk_9', 'P9', now - 5_000, now])
    followLinks(appOptions)
    expect(readCookie(CLICK_COOKIE)).toBe('clk_local')

    stops.splice(0).forEach((stop) => stop())
    arrive(['42', 'clk_10', 'P10', now, now])
    followLinks(appOptions)
    expect(readCookie(CLICK_COOKIE)).toBe('clk_10')
    expect(readCookie(PARTNER_COOKIE)).toBe('P10')
  })

  it('holds a carried click while consent is pending, in memory only, and stores it once consent is given', async () => {
    arrive(['42', 'clk_9', 'P9', Date.now(), Date.now()])
    followLinks({ ...appOptions, requireConsent: true })
    const tracker = createTracker({ programId: 42, apiBase: 'http://api.test', transport: fakeApi().transport, requireConsent: true })
    expect(readCookie(CLICK_COOKIE)).toBeUndefined()
    expect(document.cookie).toBe('')
    tracker.grantConsent()
    // The next thing the visitor does, or leaving the page.
    dispatchEvent(new Event('pagehide'))
    expect(readCookie(CLICK_COOKIE)).toBe('clk_9')
    expect(location.search).toBe('?plan=pro')
  })

  it('leaves another program\'s carried click to that program\'s tracker in the page', () => {
    const now = Date.now()
    arrive(['7', 'clk_7', 'P7', now, now])
    followLinks(appOptions)
    followLinks({ ...appOptions, programId: 7 })
    expect(readCookie(CLICK_COOKIE)).toBe('clk_7')
    expect(location.search).toBe('?plan=pro')
  })

  it('takes it out of the address bar before a tracker started after it reads the page: no URL sent carries it', async () => {
    const api = fakeApi()
    arrive(['42', 'clk_9', 'P9', Date.now() - 1000, Date.now()], '?aff=P2')
    followLinks(appOptions)
    const tracker = createTracker({ programId: 42, apiBase: 'http://api.test', transport: api.transport })
    await tracker.trackClick()
    await tracker.signup('user_1')
    expect(api.received.map((event) => JSON.stringify(event.body)).join()).not.toContain(LINK_PARAM)
    expect(api.clicks()[0].body.existing_click_id).toBe('clk_9')
  })

  it('records when a click made here was stored, so that a carried older one does not replace it', async () => {
    setPage('https://app.shop.app/?aff=P2')
    const before = Date.now()
    followLinks(options)
    const tracker = createTracker({ programId: 42, apiBase: 'http://api.test', transport: fakeApi().transport })
    await tracker.trackClick()
    await vi.waitFor(() => expect(+readCookie(CLICK_AT_COOKIE)!).toBeGreaterThanOrEqual(before))
  })

  it('records it too for a click stored later in the page view (after consent, a retry), and forgets it with the click', async () => {
    setPage('https://app.shop.app/?aff=P2')
    followLinks({ ...options, requireConsent: true })
    const tracker = createTracker({ programId: 42, apiBase: 'http://api.test', transport: fakeApi().transport, requireConsent: true })
    await nextTask()
    tracker.grantConsent()
    await vi.waitFor(() => expect(readCookie(CLICK_COOKIE)).toBe('clk_1'))
    dispatchEvent(new Event('pagehide'))
    expect(readCookie(CLICK_AT_COOKIE)).toBeTruthy()
    tracker.revokeConsent()
    dispatchEvent(new Event('pagehide'))
    expect(readCookie(CLICK_AT_COOKIE)).toBeUndefined()
  })
})

describe('Stripe', () => {
  it('Payment Links get client_reference_id as the visitor follows them, unless the page set its own', () => {
    attributed()
    followLinks(options)
    const link = add('<a href="https://buy.stripe.com/test_abc?prefilled_email=a%40b.co">Buy</a>')
    press(link)
    expect(link.href).toBe('https://buy.stripe.com/test_abc?prefilled_email=a%40b.co&client_reference_id=clk_9')
    const own = add('<a href="https://buy.stripe.com/test_abc?client_reference_id=order_1">Buy</a>')
    press(own)
    expect(new URL(own.href).searchParams.getAll('client_reference_id')).toEqual(['order_1'])
  })

  it('pricing tables and buy buttons get the client-reference-id attribute, present at load or added later', async () => {
    attributed()
    const table = add('<stripe-pricing-table pricing-table-id="prctbl_1"></stripe-pricing-table>')
    followLinks(options)
    await vi.waitFor(() => expect(table.getAttribute('client-reference-id')).toBe('clk_9'))
    const wrapper = add('<div></div>')
    wrapper.innerHTML = '<stripe-buy-button buy-button-id="buy_1"></stripe-buy-button>'
    await vi.waitFor(() => expect(wrapper.firstElementChild!.getAttribute('client-reference-id')).toBe('clk_9'))
    const own = add('<stripe-buy-button client-reference-id="order_7"></stripe-buy-button>')
    await nextTask()
    expect(own.getAttribute('client-reference-id')).toBe('order_7')
  })

  it('gets the click of a landing on this page once it is stored', async () => {
    setPage('https://www.shop.test/pricing?aff=P1')
    const table = add('<stripe-pricing-table></stripe-pricing-table>')
    createTracker({ programId: 42, apiBase: 'http://api.test', transport: fakeApi().transport })
    followLinks(options)
    await vi.waitFor(() => expect(table.getAttribute('client-reference-id')).toBe('clk_1'))
  })

  it('gives no reference Stripe would refuse (over 200 characters, or other than letters, digits, - and _), and none without the option', async () => {
    for (const id of ['clk.9', 'c'.repeat(201)]) {
      clearBrowserState()
      stops.splice(0).forEach((stop) => stop())
      setPage('https://www.shop.test/')
      writeCookie(CLICK_COOKIE, id, 60)
      followLinks(options)
      const link = add('<a href="https://buy.stripe.com/test_abc">Buy</a>')
      const table = add('<stripe-pricing-table></stripe-pricing-table>')
      press(link)
      await nextTask()
      expect(link.href).toBe('https://buy.stripe.com/test_abc')
      expect(table.hasAttribute('client-reference-id')).toBe(false)
    }
    // 200 are taken.
    clearBrowserState()
    stops.splice(0).forEach((stop) => stop())
    setPage('https://www.shop.test/')
    writeCookie(CLICK_COOKIE, 'c'.repeat(200), 60)
    followLinks(options)
    const long = add('<a href="https://buy.stripe.com/test_abc">Buy</a>')
    press(long)
    expect(new URL(long.href).searchParams.get('client_reference_id')).toHaveLength(200)

    clearBrowserState()
    attributed()
    followLinks({ ...options, stripe: false })
    const plain = add('<a href="https://buy.stripe.com/test_abc">Buy</a>')
    press(plain)
    expect(plain.href).toBe('https://buy.stripe.com/test_abc')
  })
})

it('does nothing without a DOM', async () => {
  vi.stubGlobal('document', undefined)
  try {
    expect(followLinks(options)()).toBeUndefined()
  } finally {
    vi.unstubAllGlobals()
  }
})
