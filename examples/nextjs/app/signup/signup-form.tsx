'use client'
import { useState, type FormEvent } from 'react'
import { useAffitor } from 'affitor-tracker/react'
import type { TrackResult } from 'affitor-tracker'

/** Registers the user with the app's backend, then ties the user's id to the partner click. */
export function SignupForm() {
  const { signup } = useAffitor()
  const [result, setResult] = useState<{ user: { id: string; email: string }; lead: TrackResult } | null>(null)

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const email = String(new FormData(event.currentTarget).get('email'))
    const response = await fetch('/api/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) })
    const user = await response.json()
    // The customer key is your own stable user id: the one your backend later reports the sale with.
    setResult({ user, lead: await signup(user.id, user.email) })
  }

  return (
    <form onSubmit={onSubmit}>
      <input name="email" type="email" placeholder="you@example.com" required />
      <button type="submit">Create account</button>
      {result && <pre id="result">{JSON.stringify(result, null, 2)}</pre>}
    </form>
  )
}
