// The example app's page logic: your signup form, your checkout buttons, and one tracker call.
var user = JSON.parse(sessionStorage.getItem('example-user') || 'null')
var log = document.getElementById('log')

function show(title, value) {
  log.textContent = title + '\n' + JSON.stringify(value, null, 2) + '\n\n' + (log.textContent == 'Nothing yet.' ? '' : log.textContent)
}

function post(path, body) {
  return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then(function (response) { return response.json() })
}

// The tracker may still be loading, or be blocked by an extension: your signup must work anyway.
function trackSignup(user) {
  if (window.affitor && window.affitor.signup) return window.affitor.signup(user.id, user.email)
  if (window.affitor) window.affitor('signup', user.id, user.email) // queued until the tracker loads
  return Promise.resolve({ ok: false, error: 'the tracker has not loaded: the signup is queued' })
}

function enable() {
  ;['buy', 'subscribe', 'renew', 'refund'].forEach(function (id) { document.getElementById(id).disabled = !user })
}

document.getElementById('signup').addEventListener('submit', function (event) {
  event.preventDefault()
  post('/api/signup', { email: document.getElementById('email').value }).then(function (created) {
    if (created.error) return show('Signup failed', created)
    user = created
    sessionStorage.setItem('example-user', JSON.stringify(user))
    enable()
    // The one tracker call: tie your own stable user id to the stored click.
    return trackSignup(user).then(function (result) {
      show('affitor.signup("' + user.id + '", "' + user.email + '")', result)
    })
  })
})

document.getElementById('buy').addEventListener('click', function () {
  post('/api/buy', { user_id: user.id }).then(function (sale) { show('Sale reported by the backend', sale) })
})
document.getElementById('subscribe').addEventListener('click', function () {
  post('/api/subscribe', { user_id: user.id }).then(function (answer) { show('Stripe checkout.session.completed', answer) })
})
document.getElementById('renew').addEventListener('click', function () {
  post('/api/renew', { user_id: user.id }).then(function (answer) { show('Stripe invoice.paid (renewal)', answer) })
})
document.getElementById('refund').addEventListener('click', function () {
  post('/api/refund', { user_id: user.id }).then(function (answer) { show('Refund reported by the backend', answer) })
})

enable()
if (user) document.getElementById('email').value = user.email
