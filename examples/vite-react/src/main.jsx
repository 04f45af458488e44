import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { AffitorProvider, useAffitor } from 'affitor-tracker/react'

// Your tracking API; `npm run demo` at the repository root serves the reference server here.
const apiBase = import.meta.env.VITE_AFFITOR_API_BASE || 'http://localhost:4700'

function Attribution() {
  const { ready, clickId, data } = useAffitor()
  if (!ready) return <p>Reading attribution…</p>
  return clickId ? (
    <p>
      Referred by <b>{data.partnerCode}</b>, click <code id="click-id">{clickId}</code>
    </p>
  ) : (
    <p>
      No partner click stored. Land on <a href="/?aff=DEMO">/?aff=DEMO</a>.
    </p>
  )
}

function SignupForm() {
  const { signup } = useAffitor()
  const [result, setResult] = useState(null)

  async function onSubmit(event) {
    event.preventDefault()
    const email = new FormData(event.currentTarget).get('email')
    // Your backend creates the user; its stable id is the customer key.
    const userId = 'user_' + crypto.randomUUID().slice(0, 8)
    const lead = await signup(userId, email)
    setResult({ userId, lead })
  }

  return (
    <form onSubmit={onSubmit}>
      <input name="email" type="email" placeholder="you@example.com" required />
      <button type="submit">Sign up</button>
      {result && <pre id="result">{JSON.stringify(result, null, 2)}</pre>}
    </form>
  )
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <AffitorProvider programId="1" apiBase={apiBase}>
      <h1>Acme Analytics</h1>
      <Attribution />
      <SignupForm />
    </AffitorProvider>
  </StrictMode>,
)
