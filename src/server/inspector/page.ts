/*
 * The live page at /__affitor/: one self-contained HTML document (no external assets) that
 * polls ./chains every second (answered `unchanged` until something is recorded) and draws the totals per partner and each chain click → lead →
 * sale. Every recorded value reaches the page as data and enters it through text nodes only,
 * never as markup. The filter form is the one part written on the server: its values are
 * escaped into the HTML, and it works as a plain GET form (?partner=…&customer=…).
 */

import type { ChainFilter } from './inspection'

const STYLE = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --line: #e3e6eb; --text: #1d2330; --muted: #677085;
  --ok: #137a3f; --ok-bg: #e3f5ea; --no: #9a4d00; --no-bg: #fdf0e1; --refund: #8a1c3b; --refund-bg: #fbe6ec; --accent: #3155d4; }
@media (prefers-color-scheme: dark) { :root { --bg: #14171d; --card: #1d212a; --line: #2c323e; --text: #e6e9ef; --muted: #9aa3b5;
  --ok: #6fdc9b; --ok-bg: #173626; --no: #f2b66d; --no-bg: #3a2a14; --refund: #f59ab3; --refund-bg: #3b1a25; --accent: #8ea6ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
header { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: baseline; padding: 16px 24px; border-bottom: 1px solid var(--line); background: var(--card); }
h1 { font-size: 17px; margin: 0; }
.meta { color: var(--muted); }
#status::before { content: "●"; margin-right: 6px; }
#status.live::before { color: var(--ok); }
#status.offline::before { color: var(--refund); }
button { font: inherit; padding: 4px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--text); cursor: pointer; }
#reset { margin-left: auto; }
a { color: var(--accent); }
.filter { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; padding: 10px 24px 12px; border-bottom: 1px solid var(--line); background: var(--card); }
.filter label { display: grid; gap: 2px; flex: 0 1 15em; min-width: 0; font-size: 12px; color: var(--muted); }
.filter input { font: inherit; font-size: 14px; width: 100%; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--text); }
.echo { flex-basis: 100%; margin: 0; color: var(--muted); overflow-wrap: anywhere; }
.echo q { color: var(--text); font-weight: 600; }
main { padding: 20px 24px; display: grid; grid-template-columns: minmax(0, 1fr); gap: 14px; max-width: 1200px; }
.older { color: var(--muted); text-align: center; }
.empty { color: var(--muted); padding: 32px; text-align: center; border: 1px dashed var(--line); border-radius: 10px; }
.chain { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
.chain h2 { font-size: 14px; margin: 0 0 10px; display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; overflow-wrap: anywhere; }
.chain h2 .meta { font-weight: normal; font-size: 12px; }
.steps { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 10px 28px; }
.column { position: relative; }
.column + .column::before { content: "→"; position: absolute; left: -20px; top: 0; color: var(--muted); }
.column h3 { margin: 0 0 6px; font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
li { border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; overflow-wrap: anywhere; }
li.replaced { opacity: .6; }
li .line { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: baseline; }
.chain h2 .meta, li .line > *, .small { min-width: 0; overflow-wrap: anywhere; }
.none { color: var(--muted); font-style: italic; }
.badge { display: inline-block; border-radius: 999px; padding: 0 8px; font-size: 12px; }
.ok { color: var(--ok); background: var(--ok-bg); }
.no { color: var(--no); background: var(--no-bg); }
.refund { color: var(--refund); background: var(--refund-bg); }
.tag { color: var(--accent); font-size: 12px; }
time, .small { color: var(--muted); font-size: 12px; }
.amount { font-weight: 600; font-variant-numeric: tabular-nums; }
#totals:empty { display: none; }
.totals { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
.totals h2 { font-size: 14px; margin: 0 0 6px; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; text-align: right; vertical-align: top; border-top: 1px solid var(--line); overflow-wrap: anywhere; }
th:first-child, td:first-child { text-align: left; padding-left: 0; }
th { border-top: 0; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
@media (max-width: 760px) {
  .steps { grid-template-columns: minmax(0, 1fr); } .column + .column::before { content: none; }
  main, header, .filter { padding-left: 12px; padding-right: 12px; }
  .filter label { flex: 1 1 8em; }
  thead { display: none; }
  table, tbody, td { display: block; }
  tr { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 4px 12px; padding: 8px 0; border-top: 1px solid var(--line); }
  td { padding: 0; border: 0; text-align: left; }
  td:first-child { grid-column: 1 / -1; font-size: 15px; }
  td + td::before { content: attr(data-label); display: block; font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
}
`

const SCRIPT = `
(function () {
  'use strict';
  var root = document.getElementById('chains');
  var totalsRoot = document.getElementById('totals');
  var form = document.getElementById('filter');
  var status = document.getElementById('status');
  var clock = document.getElementById('clock');
  var last = null;
  var REASONS = {
    attribution_window_expired: 'window expired',
    no_click: 'no click found',
    no_metadata: 'no affitor metadata on the subscription'
  };

  function h(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    });
    return node;
  }
  function time(iso) {
    return h('time', null, [String(iso).replace('T', ' ').slice(0, 19) + ' UTC']);
  }
  // Amounts come as Stripe counts them, in the currency's smallest unit: cents for USD, but whole
  // units for Stripe's zero-decimal currencies (docs.stripe.com/currencies, "Zero-decimal currencies").
  // ISK, HUF and TWD stay two-decimal in Stripe's API (100 is 1 króna), so they are divided too.
  var ZERO_DECIMAL = ['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'];
  function money(cents, currency) {
    var whole = ZERO_DECIMAL.indexOf(currency) >= 0;
    var units = whole ? cents : cents / 100;
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency }).format(units);
    } catch (error) {
      return (whole ? String(units) : units.toFixed(2)) + ' ' + currency;
    }
  }
  function link(href, text) {
    var node = h('a', null, [text]);
    node.href = href;
    return node;
  }
  function cell(label, children) {
    var node = h('td', null, children);
    node.setAttribute('data-label', label);
    return node;
  }
  // Amounts by currency as one string; with all false, the zero ones are left out.
  function amounts(byCurrency, all) {
    return Object.keys(byCurrency).sort().filter(function (currency) { return all || byCurrency[currency]; })
      .map(function (currency) { return money(byCurrency[currency], currency); }).join(' + ');
  }
  function list(items, draw, empty) {
    return items.length ? h('ul', null, items.map(draw)) : h('p', 'none', [empty]);
  }

  function drawClick(click) {
    return h('li', click.latest ? 'latest' : 'replaced', [
      h('div', 'line', [h('strong', null, [click.partner_code]), click.test_mode ? h('span', 'tag', ['test']) : null, time(click.created_at)]),
      h('div', 'small', [click.click_id + (click.latest ? '' : ' · replaced by a later click')])
    ]);
  }
  function drawCustomer(customer) {
    return h('li', null, [
      h('div', 'line', [h('strong', null, [customer.customer_key === null ? '(no customer key)' : customer.customer_key]), time(customer.created_at)]),
      customer.email ? h('div', 'small', [customer.email]) : null,
      customer.click_id ? null : h('div', 'small', ['no click: not attributed so far'])
    ]);
  }
  function drawSale(sale) {
    var verdict = sale.attributed
      ? h('span', 'badge ok', ['attributed to ' + sale.partner_code + (sale.attribution_source == 'coupon' ? ' by promo code ' + sale.coupon_code : '')])
      : h('span', 'badge no', ['not attributed: ' + (REASONS[sale.reason] || sale.reason) +
          (sale.reason === 'attribution_window_expired' ? ' (click ' + sale.click_age_days + ' days old, past the ' + sale.window_days + '-day window)' : '')]);
    var refund = sale.refund_state === 'none' ? null : h('span', 'badge refund', [
      sale.refund_state === 'full' ? 'refunded' : 'refunded ' + money(sale.refunded_cents, sale.currency)
    ]);
    var commission = sale.attributed
      ? 'commission ' + money(sale.commission_cents - sale.commission_reversed_cents, sale.currency) +
        (sale.commission_reversed_cents ? ' (' + money(sale.commission_reversed_cents, sale.currency) + ' reversed)' : '')
      : 'no commission';
    return h('li', null, [
      h('div', 'line', [h('span', 'amount', [money(sale.amount_cents, sale.currency)]), verdict, refund]),
      h('div', 'small', [
        (sale.is_recurring ? 'subscription' : sale.sale_type) + ' · ' + sale.transaction_id + ' · via ' + sale.source + ' · ' + commission
      ]),
      time(sale.created_at)
    ]);
  }
  function drawChain(chain) {
    var keys = chain.customers.concat(chain.sales).map(function (entry) { return entry.customer_key; }).filter(function (key, i, all) {
      return key !== null && all.indexOf(key) === i;
    });
    var title = keys.length
      ? h('span', null, keys.map(function (key, i) {
          return h('span', null, [i ? ', ' : null, key === filter.customer ? key : link('?customer=' + encodeURIComponent(key), key)]);
        }))
      : chain.clicks.length ? 'Visitor (no signup yet)' : 'Unknown customer';
    return h('section', 'chain', [
      h('h2', null, [title, h('span', 'meta', ['program ' + chain.program_id + ' · ' + chain.id])]),
      h('div', 'steps', [
        h('div', 'column', [h('h3', null, ['Clicks']), list(chain.clicks, drawClick, 'no click')]),
        h('div', 'column', [h('h3', null, ['Lead']), list(chain.customers, drawCustomer, 'no lead')]),
        h('div', 'column', [h('h3', null, ['Sales']), list(chain.sales, drawSale, 'no sale')])
      ])
    ]);
  }
  function drawTotals(totals) {
    var rows = totals.map(function (row) {
      var partner = row.partner_code === null ? h('span', 'none', ['not attributed'])
        : filter.partner ? h('strong', null, [row.partner_code]) : link('?partner=' + encodeURIComponent(row.partner_code), row.partner_code);
      var refunded = amounts(row.refunded_cents);
      var reversed = amounts(row.commission_reversed_cents);
      return h('tr', null, [
        cell('Partner', [partner]),
        cell('Clicks', [row.clicks]),
        cell('Leads', [row.leads]),
        cell('Sales', [row.sales, row.refunded_sales ? h('div', 'small', [row.refunded_sales + ' refunded']) : null]),
        cell('Revenue', [h('span', 'amount', [amounts(row.revenue_cents, true) || '–']), refunded ? h('div', 'small', ['after ' + refunded + ' refunded']) : null]),
        cell('Commission', [h('span', 'amount', [amounts(row.commission_cents, true) || '–']), reversed ? h('div', 'small', ['after ' + reversed + ' reversed']) : null])
      ]);
    });
    return h('section', 'totals', [
      h('h2', null, ['Totals per partner']),
      h('table', null, [
        h('thead', null, [h('tr', null, ['Partner', 'Clicks', 'Leads', 'Sales', 'Revenue', 'Commission'].map(function (name) { return h('th', null, [name]); }))]),
        h('tbody', null, rows)
      ])
    ]);
  }
  function render(data) {
    totalsRoot.textContent = '';
    root.textContent = '';
    if (data.totals.length) totalsRoot.appendChild(drawTotals(data.totals));
    if (!data.chains.length) {
      root.appendChild(h('p', 'empty', [filter.partner || filter.customer
        ? 'Nothing recorded for this filter yet.'
        : 'Nothing recorded yet. Open a page of your site with ?aff=DEMO to record a click.']));
      return;
    }
    data.chains.forEach(function (chain) { root.appendChild(drawChain(chain)); });
    if (data.next_cursor !== null) {
      var more = h('button', 'more', ['Show ' + STEP + ' older chains']);
      more.type = 'button';
      more.addEventListener('click', function () {
        limit = Math.min(limit + STEP, MAX);
        version = null;
        poll();
      });
      root.appendChild(h('p', 'older', ['The ' + data.chains.length + ' most recently active chains. ', limit < MAX ? more : 'Filter by partner or customer to find older ones.']));
    }
  }

  // The filter the address asks for, sent on to ./chains as it is. A customer key is matched
  // exactly, spaces included, as the site sent it: only the partner code is trimmed.
  var filter = {};
  var query = new URLSearchParams();
  var asked = new URLSearchParams(location.search);
  var tidy = function (name, value) { return name == 'customer' ? value : value.trim(); };
  ['partner', 'customer'].forEach(function (name) {
    var value = tidy(name, asked.get(name) || '');
    if (value) query.set(name, (filter[name] = value));
  });
  // An inspection token, for a page opened from another machine: sent on with every request, and kept by the filter.
  var token = asked.get('token');
  if (token) query.set('token', token);
  // A page of chains, the most recently active first: its cost does not grow with what is
  // stored. Polled with the version last drawn, it answers { unchanged: true } until something changes.
  var STEP = 50, MAX = 500, limit = STEP, version = null, timer = null;
  var source = function () {
    var asking = new URLSearchParams(query);
    asking.set('limit', String(limit));
    if (version !== null) asking.set('since', String(version));
    return 'chains?' + asking;
  };
  if (token) {
    var kept = document.createElement('input');
    kept.type = 'hidden';
    kept.name = 'token';
    kept.value = token;
    form.appendChild(kept);
  }
  // Empty fields stay out of the address: ?partner=DEMO rather than ?partner=DEMO&customer=.
  form.addEventListener('submit', function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name) field.disabled = !(field.value = tidy(field.name, field.value));
    });
  });
  addEventListener('pageshow', function () {
    Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
  });

  function poll() {
    fetch(source(), { cache: 'no-store' })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        status.className = 'meta live';
        status.textContent = 'live';
        var days = data.clock_offset_ms / 86400000;
        clock.textContent = 'server time ' + String(data.now).replace('T', ' ').slice(0, 19) + ' UTC' +
          (data.clock_offset_ms ? ' (test clock ' + (days > 0 ? '+' : '') + days.toFixed(2) + ' days)' : '');
        if (data.unchanged) return;
        version = data.version;
        var key = JSON.stringify([data.totals, data.chains, data.next_cursor]);
        if (key !== last) {
          last = key;
          render(data);
        }
      })
      .catch(function () {
        status.className = 'meta offline';
        status.textContent = 'offline, retrying';
      })
      .then(function () {
        clearTimeout(timer);
        timer = setTimeout(poll, 1000);
      });
  }

  document.getElementById('reset').addEventListener('click', function () {
    if (confirm('Forget every click, lead, sale and refund recorded?')) fetch('reset' + (token ? '?token=' + encodeURIComponent(token) : ''), { method: 'POST' }).then(function () { last = null; version = null; });
  });
  poll();
})();
`

/** What the live page is drawn for: the filter asked for, the partner codes it suggests. */
export interface InspectorPageOptions {
  filter?: ChainFilter
  partners?: readonly string[]
}

/** `value` with the characters that mean something in HTML text and quoted attributes escaped. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!)

/** The filter form, filled in with `filter`, and a line saying what it shows. */
function filterForm({ filter = {}, partners = [] }: InspectorPageOptions): string {
  const { partner, customer } = filter
  const asked = [partner !== undefined && `partner <q>${escapeHtml(partner)}</q>`, customer !== undefined && `customer <q>${escapeHtml(customer)}</q>`].filter(Boolean)
  return `<form id="filter" class="filter" method="get" action="./" role="search">
<label>Partner <input name="partner" value="${escapeHtml(partner ?? '')}" list="partner-codes" placeholder="any partner" autocomplete="off"></label>
<datalist id="partner-codes">${partners.map((code) => `<option value="${escapeHtml(code)}"></option>`).join('')}</datalist>
<label>Customer <input name="customer" value="${escapeHtml(customer ?? '')}" placeholder="any customer" autocomplete="off"></label>
<button type="submit">Filter</button>
${asked.length ? `<p class="echo">Showing the chains of ${asked.join(' and ')}. <a href="./">Show all</a></p>
` : ''}</form>`
}

/**
 * The inspector page's HTML. `nonce` allows its one inline script and style under the page's
 * Content-Security-Policy ({@link inspectorPolicy}); `options.filter` fills in the filter form.
 */
export function inspectorPage(nonce: string, options: InspectorPageOptions = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>affitor reference server: live attribution</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
<h1>affitor reference server</h1>
<span id="status" class="meta">connecting</span>
<span id="clock" class="meta"></span>
<button id="reset" type="button">Reset to seed</button>
</header>
${filterForm(options)}
<main>
<noscript><p class="empty">This page draws what was recorded with JavaScript. Without it, read the same as JSON: <a href="chains">./chains</a>.</p></noscript>
<div id="totals"></div>
<div id="chains" aria-live="polite"></div>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`
}

/**
 * The page's Content-Security-Policy: its own inline script and style, requests to itself
 * only, and its filter form submitted to itself.
 */
export const inspectorPolicy = (nonce: string): string =>
  `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`
