// The example app's page logic: your signup form, your checkout buttons, and one tracker call.
// The log says what happened in plain words (plain-words.js), with the data behind each sentence.
var user = JSON.parse(sessionStorage.getItem('example-user') || 'null')
var log = document.getElementById('log')

// One entry of the log: the sentence, then the data it was built from one click away.
function show(sentence, data) {
  var entry = document.createElement('li')
  var words = document.createElement('p')
  words.textContent = sentence
  var details = document.createElement('details')
  var summary = document.createElement('summary')
  summary.textContent = 'JSON'
  var json = document.createElement('pre')
  json.textContent = JSON.stringify(data, null, 2)
  details.append(summary, json)
  entry.append(words, details)
  log.append(entry)
}

function post(path, body) {
  return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then(function (response) { return response.json() })
    .catch(function (error) { return { error: String(error) } })
}

// The tracker may still be loading, or be blocked by an extension: your signup must work anyway.
function trackSignup(user) {
  if (window.affitor && window.affitor.signup) return window.affitor.signup(user.id, user.email)
  if (window.affitor) window.affitor('signup', user.id, user.email) // queued until the tracker loads
  return Promise.resolve({ ok: false, blocked: true, error: 'the tracker has not loaded: the signup is queued' })
}

function enable() {
  ;['buy', 'subscribe', 'renew', 'refund'].forEach(function (id) { document.getElementById(id).disabled = !user })
}

document.getElementById('signup').addEventListener('submit', function (event) {
  event.preventDefault()
  post('/api/signup', { email: document.getElementById('email').value }).then(function (created) {
    if (created.error) return show('Signup failed: ' + created.error + '.', created)
    user = created
    sessionStorage.setItem('example-user', JSON.stringify(user))
    enable()
    // The one tracker call: tie your own stable user id to the stored click.
    return trackSignup(user).then(function (result) {
      show(plainWords.signup(user, result), { call: 'affitor.signup("' + user.id + '", "' + user.email + '")', result: result })
    })
  })
})

// What the example backend answered, told by `describe`, or its own refusal.
function backend(path, describe) {
  return function () {
    var coupon = path == '/api/buy' ? document.getElementById('coupon').value.trim() : ''
    post(path, coupon ? { user_id: user.id, coupon_code: coupon } : { user_id: user.id }).then(function (answer) {
      show(answer.error ? 'The example backend refused: ' + answer.error + '.' : describe(answer), answer)
    })
  }
}
document.getElementById('buy').addEventListener('click', backend('/api/buy', plainWords.sale))
document.getElementById('subscribe').addEventListener('click', backend('/api/subscribe', plainWords.stripe))
document.getElementById('renew').addEventListener('click', backend('/api/renew', plainWords.stripe))
document.getElementById('refund').addEventListener('click', backend('/api/refund', plainWords.refund))

enable()
if (user) document.getElementById('email').value = user.email
// The log starts with the click this browser came with, or its absence.
plainWords.clickCookie().then(function (cookie) { show(plainWords.click(cookie), cookie) })
