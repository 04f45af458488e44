// A single-page app using the npm package: init once at startup, signup after registration.
import { init, signup, getData } from 'affitor-tracker'

// Reports the click for ?aff=… in the landing URL, and for a partner code reached by in-app
// navigation; cleanUrl then takes the code out of the address bar, keeping the rest.
const tracker = init({ programId: 1, apiBase: '/', cleanUrl: true })

const views = {
  '/spa/': () => `
    <h1>Welcome</h1>
    <p>This page is a single-page app using <code>import { init, signup } from 'affitor-tracker'</code>.
      Land on <a href="/spa/?aff=DEMO"><code>/spa/?aff=DEMO</code></a>, then go to the signup view.</p>
    <p>A partner's link inside the app, followed without a page load, counts as a landing too:
      <a href="/spa/?aff=P1" data-route id="partner-link"><code>/spa/?aff=P1</code></a>.</p>`,
  '/spa/signup': () => `
    <h1>Sign up</h1>
    <form id="signup" class="row">
      <input id="email" type="email" placeholder="you@example.com" required>
      <button type="submit">Sign up</button>
    </form>
    <pre id="result" hidden></pre>`,
}

function showState() {
  document.getElementById('state').textContent = JSON.stringify(getData(), null, 2)
}

function render() {
  document.getElementById('view').innerHTML = (views[location.pathname] || views['/spa/'])()
  showState()
  const form = document.getElementById('signup')
  if (form) form.addEventListener('submit', onSignup)
}

async function onSignup(event) {
  event.preventDefault()
  const email = document.getElementById('email').value
  const response = await fetch('/api/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) })
  const user = await response.json()
  const result = user.error ? user : await signup(user.id, user.email)
  const out = document.getElementById('result')
  out.hidden = false
  out.textContent = JSON.stringify({ user, result }, null, 2)
  showState()
}

// Client-side routing: links change the view without a page load.
document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-route]')
  if (!link) return
  event.preventDefault()
  history.pushState(null, '', link.getAttribute('href'))
  render()
  // The tracker saw the navigation; this joins its report and shows the stored click once answered.
  tracker.trackClick().then(showState)
})
addEventListener('popstate', render)

render()
tracker.trackClick().then(showState)
