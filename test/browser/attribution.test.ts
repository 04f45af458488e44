import { describe, expect, it } from 'vitest'
import { clickSkipReason, isAutomated } from '../../src/browser/attribution'

describe('clickSkipReason (last click wins)', () => {
  it('skips without a code', () => {
    expect(clickSkipReason(null, undefined)).toBe('no-code')
    expect(clickSkipReason(null, 'P1')).toBe('no-code')
  })

  it('skips the partner already stored', () => {
    expect(clickSkipReason('P1', 'P1')).toBe('same-partner')
  })

  it('reports a first click and another partner', () => {
    expect(clickSkipReason('P1', undefined)).toBeUndefined()
    expect(clickSkipReason('P2', 'P1')).toBeUndefined()
  })

  it("skips a bot's landing, any partner", () => {
    expect(clickSkipReason('P1', undefined, true)).toBe('bot')
    expect(clickSkipReason('P1', 'P1', true)).toBe('bot')
    expect(clickSkipReason(null, undefined, true)).toBe('no-code')
    expect(clickSkipReason('P1', undefined, false)).toBeUndefined()
  })
})

describe('isAutomated', () => {
  const visitor = (userAgent: string, webdriver = false) => isAutomated({ userAgent, webdriver })

  it('takes a browser under automation for a bot, whatever it says it is', () => {
    expect(visitor('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36', true)).toBe(true)
  })

  it('knows crawlers that run scripts, and headless browsers', () => {
    for (const agent of [
      'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
      'AdsBot-Google (+http://www.google.com/adsbot.html)',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)',
      'Mozilla/5.0 (compatible; Baiduspider-render/2.0; +http://www.baidu.com/search/spider.html)',
      'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
      'Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp) SiteCrawler',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
    ])
      expect(visitor(agent), agent).toBe(true)
  })

  it("takes people's browsers for visitors, a phone named CUBOT too", () => {
    for (const agent of [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
      'Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
      'Mozilla/5.0 (Linux; Android 13; KING KONG 9 Build/TP1A.220624.014; Cubot) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
    ])
      expect(visitor(agent), agent).toBe(false)
  })
})
