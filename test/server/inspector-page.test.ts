// @vitest-environment node
import { Browser } from 'happy-dom'
import { afterEach, describe, expect, it } from 'vitest'
import { inspectorPage, inspectorPolicy } from '../../src/server/inspector-page'
import { closeServers, DAY, startTestServer, type TestServer } from './helpers/server'

afterEach(closeServers)

const HOSTILE = '<img src=x onerror="window.pwned=1">'

/** Opens the live page in happy-dom with scripts on; answers its document and a way to close it. */
async function openPage(server: TestServer) {
  const browser = new Browser({ settings: { enableJavaScriptEvaluation: true } })
  const page = browser.newPage()
  await page.goto(server.url + '/__affitor/')
  // happy-dom's own Document type, read through the standard one.
  return { window: page.mainFrame.window as any, document: page.mainFrame.document as unknown as Document, close: () => browser.close() }
}

async function waitForText(document: Document, text: string) {
  for (let i = 0; i < 100 && !document.body.textContent!.includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 50))
  expect(document.body.textContent).toContain(text)
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
})

describe('inspectorPage', () => {
  it('puts the nonce on its one script and one style, and nothing recorded in the HTML', () => {
    const html = inspectorPage('n0nce')
    expect(html.match(/<script/g)).toHaveLength(1)
    expect(html).toContain('<script nonce="n0nce">')
    expect(html).toContain('<style nonce="n0nce">')
    expect(inspectorPolicy('n0nce')).toBe(
      "default-src 'none'; script-src 'nonce-n0nce'; style-src 'nonce-n0nce'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    )
  })

  it('writes recorded values through text nodes only', () => {
    const script = inspectorPage('n').split('<script nonce="n">')[1]
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
  })
})
