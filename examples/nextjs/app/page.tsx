import Link from 'next/link'
import { Attribution } from './attribution'

export default function Home() {
  return (
    <main>
      <h1>Acme Analytics</h1>
      <Attribution />
      <Link href="/signup">Sign up</Link>
    </main>
  )
}
