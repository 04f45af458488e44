import { randomUUID } from 'node:crypto'

/**
 * Stands in for your registration: create the user in your database and answer with its id.
 * The browser then calls `signup(user.id, user.email)` from `useAffitor()`.
 */
export async function POST(request: Request) {
  const { email } = await request.json()
  if (typeof email != 'string' || !email.includes('@')) return Response.json({ error: 'an email is required' }, { status: 400 })
  return Response.json({ id: 'user_' + randomUUID().slice(0, 8), email })
}
