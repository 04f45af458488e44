import type { ReactNode } from 'react'
import { AffitorProvider } from 'affitor-tracker/react'

export const metadata = { title: 'affitor-tracker: Next.js' }

// Where the browser sends its events: this app's own /_affitor route (first-party mode, see
// app/%5Faffitor/[...path]/route.ts), unless NEXT_PUBLIC_AFFITOR_API_BASE names the tracking
// API itself at build time.
const endpoint = process.env.NEXT_PUBLIC_AFFITOR_API_BASE || '/_affitor'

/**
 * A server component: AffitorProvider is a client component, rendered here once for every
 * page. It reports the partner click after the page loads in the browser, and again when a
 * client-side navigation reaches a URL with `?aff=`.
 */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <AffitorProvider programId="1" endpoint={endpoint}>
          {children}
        </AffitorProvider>
      </body>
    </html>
  )
}
