// The demo's log in plain words: each event told as one sentence, built from what the browser
// stored and what the servers answered. Only the demo needs this file, not your site.
;(function () {
  var DAY_MS = 86400000
  var REASONS = {
    no_click: 'no partner click is known for this customer',
    no_metadata: 'the payment carried no affitor ids in its metadata',
  }

  function money(cents, currency) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency || 'USD' }).format(cents / 100)
    } catch (error) {
      return (cents / 100).toFixed(2) + ' ' + currency
    }
  }

  function readCookie(name) {
    var found = document.cookie.split('; ').filter(function (pair) { return pair.indexOf(name + '=') == 0 })[0]
    return found ? decodeURIComponent(found.slice(name.length + 1)) : null
  }

  /**
   * The click cookie as the browser keeps it: its value and partner always, its domain and expiry
   * where the browser tells them (the Cookie Store API, on https and localhost in Chromium).
   */
  function clickCookie() {
    var cookie = { name: 'affitor_click_id', value: readCookie('affitor_click_id'), partner_code: readCookie('affitor_partner_code') }
    var store = window.cookieStore
    if (!cookie.value || !store || !store.get) return Promise.resolve(cookie)
    return store.get(cookie.name).then(function (stored) {
      if (stored) {
        cookie.domain = stored.domain
        cookie.expires = stored.expires ? new Date(stored.expires).toISOString() : null
      }
      return cookie
    }, function () { return cookie })
  }

  function click(cookie) {
    if (!cookie.value) return 'No partner click stored in this browser: a sale now would not be attributed. Arrive through a partner link such as /?aff=DEMO first.'
    // A host-only cookie has no domain: it stays on this host, subdomains do not see it.
    var where = cookie.domain === undefined ? '' : cookie.domain ? ' on .' + cookie.domain.replace(/^\./, '') : ' on ' + location.hostname
    var days = cookie.expires ? Math.round((Date.parse(cookie.expires) - Date.now()) / DAY_MS) : null
    return 'Click from partner ' + (cookie.partner_code || '(unknown)') + ' stored, cookie ' + cookie.name + where +
      (days === null ? '' : ' for ' + days + ' days') + ' (click ' + cookie.value + ').'
  }

  /** `result` is what affitor.signup() resolved to. */
  function signup(user, result) {
    var who = 'Signup of customer ' + user.id + ' (' + user.email + ')'
    var data = result.data || {}
    if (result.blocked) return who + ' queued: the tracker has not loaded (blocked?), it sends the signup once it does.'
    if (result.skipped == 'already-sent') return who + ' already sent from this browser: nothing sent again.'
    if (result.skipped == 'no-consent') return who + ' held until the visitor consents.'
    if (!result.ok) return who + ' not delivered: ' + (result.error || 'status ' + result.status) + (result.queued ? '. It is kept and sent again later.' : '.')
    if (data.duplicate) return who + ' was already recorded: the tracking API kept the first one.'
    if (!data.click_id) return who + ' recorded without a click: no partner will be credited for its sales.'
    return who + ' tied to click ' + data.click_id + ' of partner ' + data.partner_code + '.'
  }

  function verdict(answer, currency) {
    var code = answer.coupon_status == 'unknown' ? ' (promo code ' + answer.coupon_code + ' belongs to no partner)'
      : answer.coupon_status == 'partner_inactive' ? ' (promo code ' + answer.coupon_code + ' belongs to an inactive partner)' : ''
    if (answer.attributed && answer.attribution_source == 'coupon') return 'attributed to partner ' + answer.partner_code + ' through their promo code ' + answer.coupon_code + ', whatever the cookie says, commission ' + money(answer.commission_cents, currency)
    if (answer.attributed) return 'attributed to partner ' + answer.partner_code + code + ', commission ' + money(answer.commission_cents, currency)
    var why = answer.reason == 'attribution_window_expired'
      ? 'the click is ' + answer.click_age_days + ' days old, past the ' + answer.window_days + '-day window'
      : REASONS[answer.reason] || answer.reason
    return 'recorded, not attributed: ' + why + code
  }

  /** A sale the backend reported: `{ sent, status, answer }`. */
  function sale(reported) {
    var sent = reported.sent || {}
    var answer = reported.answer || {}
    if (reported.status == 409) return 'Sale ' + sent.transaction_id + ' was already recorded: nothing counted twice.'
    if (reported.status != 200) return 'Sale not recorded: ' + (answer.error || reported.error || 'status ' + reported.status) + '.'
    return 'Sale of ' + money(sent.amount_cents, sent.currency) + ' (' + sent.transaction_id + ') ' + verdict(answer, sent.currency) + '.'
  }

  /** A Stripe webhook the backend sent: `{ sent: { type, object }, status, answer }`. */
  function stripe(reported) {
    var sent = reported.sent || {}
    var object = sent.object || {}
    var answer = reported.answer || {}
    if (reported.status != 200) return 'Stripe ' + sent.type + ' refused: ' + (answer.error || reported.error || 'status ' + reported.status) + '.'
    var currency = String(object.currency || 'usd').toUpperCase()
    var what = sent.type == 'invoice.paid'
      ? 'Renewal of ' + money(object.amount_paid, currency) + ' (Stripe invoice.paid, ' + object.id + ')'
      : 'Subscription of ' + money(object.amount_total, currency) + ' a month (Stripe ' + sent.type + ')'
    if (answer.duplicate) return what + ' was already recorded: nothing counted twice.'
    if (answer.ignored) return what + ' ignored: ' + answer.reason + '.'
    return what + ' ' + verdict(answer, currency) + '.'
  }

  /** A refund the backend reported: `{ sent, status, answer, order }`. */
  function refund(reported) {
    var answer = reported.answer || {}
    var order = reported.order
    if (!order) return 'Nothing refunded: ' + (reported.error || 'no order') + '.'
    if (reported.status != 200) return 'Refund of ' + order.transaction_id + ' not recorded: ' + (answer.error || 'status ' + reported.status) + '.'
    var what = 'Refund of ' + money(answer.refunded_cents, order.currency) + ' on ' + order.transaction_id
    if (answer.status == 'no_commission') return what + ': the sale carried no commission, so there was nothing to reverse.'
    var partner = order.partner_code ? 'partner ' + order.partner_code + "'s" : 'the'
    if (answer.status == 'reversed') return what + ': the sale is refunded in full and ' + partner + ' commission of ' + money(answer.commission_reversed_cents, order.currency) + ' reversed.'
    return what + ': ' + partner + ' commission reduced by ' + money(answer.commission_reversed_cents, order.currency) + ', to ' + money(answer.commission_cents, order.currency) + '.'
  }

  window.plainWords = { clickCookie: clickCookie, click: click, signup: signup, sale: sale, stripe: stripe, refund: refund }
})()
