import { Attribution } from '../attribution'
import { SignupForm } from './signup-form'

export default function SignupPage() {
  return (
    <main>
      <h1>Sign up</h1>
      <Attribution />
      <SignupForm />
    </main>
  )
}
