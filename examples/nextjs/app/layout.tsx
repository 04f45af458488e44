import type { ReactNode } from 'react'
import { AffitorProvider } from 'affitor-tracker/react'

export const metadata = { title: 'affitor-tracker: Next.js' }

// Your tracking API, fixed at build time; `npm run demo` at the repository root serves the
// reference server at the default.
const apiBase = process.env.NEXT_PUBLIC_AFFITOR_API_BASE || 'http://localhost:4700'

/**
 * A server component: AffitorProvider is a client component, rendered here once for every
 * page. It reports the partner click after the page loads in the browser, and again when a
 * client-side navigation reaches a URL with `?aff=`.
 */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <AffitorProvider programId="1" apiBase={apiBase}>
          {children}
        </AffitorProvider>
      </body>
    </html>
  )
}
