// @vitest-environment node
import { Browser } from 'happy-dom'
import { afterEach, describe, expect, it } from 'vitest'
import { inspectorPage, inspectorPolicy } from '../../../src/server/inspector/page'
import { closeServers, DAY, startTestServer, type TestServer } from '../helpers/server'

afterEach(closeServers)

const HOSTILE = '<img src=x onerror="window.pwned=1">'

/** Opens the live page in happy-dom with scripts on; answers its document and a way to close it. */
async function openPage(server: TestServer, path = '/__affitor/') {
  const browser = new Browser({ settings: { enableJavaScriptEvaluation: true } })
  const page = browser.newPage()
  await page.goto(server.url + path)
  // happy-dom's own Document type, read through the standard one.
  return { window: page.mainFrame.window as any, document: page.mainFrame.document as unknown as Document, close: () => browser.close() }
}

async function waitForText(document: Document, text: string) {
  for (let i = 0; i < 100 && !document.body.textContent!.includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 50))
  expect(document.body.textContent).toContain(text)
}

/** Waits for `text` in what the script drew (the body's text holds the script's own strings too). */
async function waitForDrawn(document: Document, text: string) {
  const drawn = () => document.getElementById('totals')!.textContent! + document.getElementById('chains')!.textContent!
  for (let i = 0; i < 100 && !drawn().includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 50))
  expect(drawn()).toContain(text)
}

describe('the live page', () => {
  it('draws each chain and updates without a reload', async () => {
    const server = await startTestServer({ testClock: true })
    const page = await openPage(server)
    try {
      await waitForText(page.document, 'Nothing recorded yet')
      const { click_id } = (await server.click('P1')).body
      await server.lead({ customer_key: 'user_1', email: 'a@b.co', click_id })
      await server.sale({ transaction_id: 'order_1', amount_cents: 4_900, customer_key: 'user_1' })
      await waitForText(page.document, '$49.00')
      const text = page.document.body.textContent!
      for (const expected of ['user_1', 'a@b.co', 'P1', 'attributed to P1', 'commission $14.70', 'order_1', 'live']) expect(text).toContain(expected)
      await server.sale({ transaction_id: 'walk_in', amount_cents: 100, customer_key: 'walk-in customer' })
      await waitForText(page.document, 'walk-in customer')

      await server.post('/__affitor/clock', { advance_ms: 61 * DAY })
      await server.sale({ transaction_id: 'order_2', amount_cents: 100, customer_key: 'user_1' })
      await server.refund({ transaction_id: 'order_1' })
      await waitForText(page.document, 'not attributed: window expired (click 61 days old, past the 60-day window)')
      expect(page.document.body.textContent).toContain('refunded')
      expect(page.document.getElementById('clock')!.textContent).toContain('test clock +61.00 days')
    } finally {
      await page.close()
    }
  })

  it('draws the 50 most recently active chains, more on asking, and is answered "unchanged" while nothing is recorded', async () => {
    const server = await startTestServer()
    for (let i = 0; i < 60; i++) await server.click('P1', { session_id: `s_${i}` })
    const asked: string[] = []
    const page = await openPage(server)
    const fetch = page.window.fetch.bind(page.window)
    page.window.fetch = (url: string, init: unknown) => (asked.push(String(url)), fetch(url, init))
    try {
      await waitForText(page.document, 'The 50 most recently active chains.')
      expect(page.document.querySelectorAll('#chains .chain').length).toBe(50)
      const button = page.document.querySelector('#chains button.more') as HTMLButtonElement
      expect(button.textContent).toBe('Show 50 older chains')
      button.click()
      for (let i = 0; i < 100 && page.document.querySelectorAll('#chains .chain').length < 60; i++) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(page.document.querySelectorAll('#chains .chain').length).toBe(60)
      expect(page.document.querySelector('#chains .older')).toBeNull()
      // The polls after that carry the version drawn, and are answered "unchanged".
      await new Promise((resolve) => setTimeout(resolve, 1_200))
      const polled = asked.filter((url) => url.includes('since='))
      expect(polled.length).toBeGreaterThan(0)
      expect(polled.every((url) => url.includes('limit=100'))).toBe(true)
      const answer = await server.get(`/__affitor/chains?since=${server.store.version}`)
      expect(answer.body).toEqual({ unchanged: true, now: expect.any(String), clock_offset_ms: 0, version: server.store.version })
    } finally {
      await page.close()
    }
  })

  it('shows recorded values as text, never as markup', async () => {
    const server = await startTestServer()
    const { click_id } = (await server.click('P1')).body
    await server.lead({ customer_key: HOSTILE, email: `${HOSTILE}@b.co`, click_id })
    await server.sale({ transaction_id: `</script>${HOSTILE}`, amount_cents: 100, customer_key: HOSTILE })
    const page = await openPage(server)
    try {
      await waitForText(page.document, HOSTILE)
      expect(page.document.body.textContent).toContain(`</script>${HOSTILE}`)
      expect(page.document.querySelectorAll('main img')).toHaveLength(0)
      expect(page.window.pwned).toBeUndefined()
    } finally {
      await page.close()
    }
  })

  it('draws the totals per partner with refunds taken off, each partner and customer a link to its filter', async () => {
    const server = await startTestServer()
    const { click_id } = (await server.click('P1')).body
    await server.lead({ customer_key: 'user_1', click_id })
    await server.sale({ transaction_id: 'order_1', amount_cents: 4_900, customer_key: 'user_1' })
    await server.sale({ transaction_id: 'order_2', amount_cents: 1_900, customer_key: 'user_1' })
    await server.refund({ transaction_id: 'order_1' })
    await server.sale({ transaction_id: 'walk_in', amount_cents: 100, customer_key: 'stranger' })
    const page = await openPage(server)
    try {
      await waitForDrawn(page.document, 'Totals per partner')
      const rows = [...page.document.querySelectorAll('#totals tbody tr')].map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent))
      expect(rows).toEqual([
        ['P1', '1', '1', '21 refunded', '$19.00after $49.00 refunded', '$5.70after $14.70 reversed'],
        ['not attributed', '0', '0', '1', '$1.00', '–'],
      ])
      expect(page.document.querySelector('#totals a')!.getAttribute('href')).toBe('?partner=P1')
      expect([...page.document.querySelectorAll('.chain h2 a')].map((a) => a.getAttribute('href'))).toEqual(['?customer=stranger', '?customer=user_1'])
    } finally {
      await page.close()
    }
  })

  it('shows amounts in zero-decimal currencies (JPY, KRW…) as whole units, as Stripe counts them', async () => {
    const server = await startTestServer()
    await server.sale({ transaction_id: 'order_jpy', amount_cents: 4_900, currency: 'JPY', customer_key: 'yuki' })
    await server.sale({ transaction_id: 'order_krw', amount_cents: 15_000, currency: 'krw', customer_key: 'yuki' })
    await server.sale({ transaction_id: 'order_xof', amount_cents: 2_500, currency: 'XOF', customer_key: 'yuki' })
    await server.sale({ transaction_id: 'order_usd', amount_cents: 4_900, customer_key: 'yuki' })
    // Stripe keeps the króna two-decimal in its API: 50000 is 500 kr.
    await server.sale({ transaction_id: 'order_isk', amount_cents: 50_000, currency: 'ISK', customer_key: 'yuki' })
    const page = await openPage(server)
    try {
      await waitForDrawn(page.document, 'Totals per partner')
      const revenue = page.document.querySelector('#totals tbody tr td:nth-child(5)')!.textContent!.split(' + ')
      // By currency code: ISK, JPY, KRW, USD, XOF. ICU spaces some symbols with narrow and no-break spaces.
      expect(revenue[0]).toMatch(/^ISK\s500$/)
      expect(revenue.slice(1, 4)).toEqual(['¥4,900', '₩15,000', '$49.00'])
      expect(revenue[4]).toMatch(/^F\sCFA\s2,500$/)
    } finally {
      await page.close()
    }
  })

  it('draws only the chains its address asks for: ?customer=… and ?partner=…', async () => {
    const server = await startTestServer()
    for (const [code, customer] of [['P1', 'ada'], ['P2', 'bob']]) {
      const { click_id } = (await server.click(code)).body
      await server.lead({ customer_key: customer, click_id })
      await server.sale({ transaction_id: `order_${customer}`, amount_cents: 1_000, customer_key: customer })
    }
    for (const [query, shown, hidden] of [['?customer=bob', 'bob', 'ada'], ['?partner=p1', 'ada', 'bob']]) {
      const page = await openPage(server, `/__affitor/${query}`)
      try {
        await waitForDrawn(page.document, `order_${shown}`)
        expect(page.document.querySelector('main')!.textContent).not.toContain(hidden)
        expect(page.document.querySelectorAll('#totals tbody tr')).toHaveLength(1)
      } finally {
        await page.close()
      }
    }
    const page = await openPage(server, '/__affitor/?partner=P1&customer=bob')
    try {
      await waitForDrawn(page.document, 'Nothing recorded for this filter yet.')
    } finally {
      await page.close()
    }
  })

  it('asks for the customer key as typed, spaces included, and the partner code trimmed', async () => {
    const server = await startTestServer()
    for (const customer of ['ada', ' ada ']) {
      await server.lead({ customer_key: customer })
      await server.sale({ transaction_id: `order_${customer.trim() == customer ? 'plain' : 'padded'}`, amount_cents: 1_000, customer_key: customer })
    }
    const page = await openPage(server, '/__affitor/?customer=%20ada%20')
    try {
      await waitForDrawn(page.document, 'order_padded')
      expect(page.document.querySelector('main')!.textContent).not.toContain('order_plain')
      const form = page.document.getElementById('filter') as HTMLFormElement
      const field = (name: string) => form.querySelector(`input[name="${name}"]`) as HTMLInputElement
      field('partner').value = ' P1 '
      form.dispatchEvent(new page.window.Event('submit'))
      expect([field('partner').value, field('customer').value]).toEqual(['P1', ' ada '])
    } finally {
      await page.close()
    }
  })

  it('echoes a hostile filter as text in the form and the page, never as markup', async () => {
    const server = await startTestServer()
    const customer = `"><script>window.pwned=2</script>`
    const page = await openPage(server, `/__affitor/?partner=${encodeURIComponent(HOSTILE)}&customer=${encodeURIComponent(customer)}`)
    try {
      await waitForDrawn(page.document, 'Nothing recorded for this filter yet.')
      const field = (name: string) => page.document.querySelector<HTMLInputElement>(`input[name=${name}]`)!.value
      expect([field('partner'), field('customer')]).toEqual([HOSTILE, customer])
      expect(page.document.querySelector('.echo')!.textContent).toBe(`Showing the chains of partner ${HOSTILE} and customer ${customer}. Show all`)
      expect(page.document.querySelectorAll('img')).toHaveLength(0)
      expect(page.document.querySelectorAll('script')).toHaveLength(1)
      expect(page.window.pwned).toBeUndefined()
    } finally {
      await page.close()
    }
  })
})

describe('inspectorPage', () => {
  it('puts the nonce on its one script and one style, and nothing recorded in the HTML', () => {
    const html = inspectorPage('n0nce')
    expect(html.match(/<script/g)).toHaveLength(1)
    expect(html).toContain('<script nonce="n0nce">')
    expect(html).toContain('<style nonce="n0nce">')
    expect(inspectorPolicy('n0nce')).toBe(
      "default-src 'none'; script-src 'nonce-n0nce'; style-src 'nonce-n0nce'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
  })

  it('fills the filter form in with the values asked for, escaped, and suggests the partner codes', () => {
    const html = inspectorPage('n', { filter: { partner: HOSTILE, customer: `'"><script>x</script>&amp;` }, partners: ['DEMO', '"><b>P'] })
    const escapedPartner = '&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;'
    const escapedCustomer = '&#39;&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;amp;'
    expect(html).toContain(`<input name="partner" value="${escapedPartner}"`)
    expect(html).toContain(`<input name="customer" value="${escapedCustomer}"`)
    expect(html).toContain(`Showing the chains of partner <q>${escapedPartner}</q> and customer <q>${escapedCustomer}</q>. <a href="./">Show all</a>`)
    expect(html).toContain('<option value="DEMO"></option><option value="&quot;&gt;&lt;b&gt;P"></option>')
    expect(html.match(/<script/g)).toHaveLength(1)
    expect(html).not.toMatch(/<img|<b>/)
  })

  it('says nothing about a filter when none is asked for', () => {
    const html = inspectorPage('n')
    expect(html).toContain('<input name="partner" value=""')
    expect(html).not.toContain('Showing the chains')
  })

  it('writes recorded values through text nodes only', () => {
    const script = inspectorPage('n').split('<script nonce="n">')[1]
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
  })
})
