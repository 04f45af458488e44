import type { Detection } from './detect-framework'

/** The script tag's address on the CDN, the package's minified IIFE. */
export const CDN_URL = 'https://unpkg.com/affitor-tracker/dist/affitor-tracker.js'

/** What installs the tracker in a project: a new file and the steps that use it. */
export interface Snippet {
  /** Where `init --write` puts `code`, relative to the project directory (`/`-separated). */
  path: string
  /** The file's content. */
  code: string
  /** What to do next, each a short paragraph for people: use the file, the signup call, the backend. */
  steps: string[]
}

/** The program and, unless it is the hosted one, the tracking API a snippet points at. */
export interface SnippetOptions {
  programId: string
  apiBase?: string
  /** For plain HTML: the CSP nonce (or the template expression writing it) on the tags, which then include the stub. */
  nonce?: string
}

/** The stub that queues calls made before the tracker has loaded, as the README prints it (its CSP hash is there too). */
export const STUB = 'window.affitor=window.affitor||function(){(window.affitor.q=window.affitor.q||[]).push(arguments)}'

/**
 * The snippet for a detected project. For plain HTML it is the script tag; for React projects a
 * small component wrapping `<AffitorProvider>` with the program's options, so that those live in
 * one new file and the app's own files change by two lines (shown in the first step).
 */
export function snippetFor(detection: Detection, options: SnippetOptions): Snippet {
  const ext = detection.typescript ? 'tsx' : 'jsx'
  const steps = [signupStep(detection), backendStep(options)]
  switch (detection.framework) {
    case 'html':
      return {
        path: 'affitor.snippet.html',
        code: scriptTag(options),
        steps: [`Paste the script ${options.nonce ? 'tags' : 'tag'} into the <head> of every page (or of the template they share).`, ...steps],
      }
    case 'vite': {
      const main = `src/main.${detection.typescript ? 'ts' : 'js'}`
      return {
        path: `src/affitor.${detection.typescript ? 'ts' : 'js'}`,
        code: initModule(options, main),
        steps: [`In ${main}, import it first:\n\n  import './affitor'`, ...steps],
      }
    }
    case 'vite-react': {
      const main = `src/main.${ext}`
      return {
        path: `src/affitor.${ext}`,
        code: providerModule(detection, options, `wrap your app in it, in ${main}`),
        steps: [
          `In ${main}, wrap your app in it:\n\n` +
            `  import { Affitor } from './affitor'\n\n` +
            `  createRoot(document.getElementById('root')${detection.typescript ? '!' : ''}).render(<Affitor><App /></Affitor>)`,
          ...steps,
        ],
      }
    }
    case 'next-app': {
      const layout = `${detection.routerDir}/layout.${detection.typescript ? 'tsx' : 'js'}`
      return {
        path: `${detection.routerDir}/affitor-provider.${ext}`,
        code: providerModule(detection, options, `wrap the page in it, in the root layout (${layout})`),
        steps: [
          `In ${layout}, wrap the page in it (a server layout can: AffitorProvider is a client component):\n\n` +
            `  import { Affitor } from './affitor-provider'\n\n` +
            `  <body><Affitor>{children}</Affitor></body>`,
          ...steps,
        ],
      }
    }
    case 'next-pages': {
      const app = `${detection.routerDir}/_app.${detection.typescript ? 'tsx' : 'js'}`
      // Not inside pages/: every file there becomes a route.
      const parent = detection.routerDir == 'src/pages' ? 'src/' : ''
      return {
        path: `${parent}affitor-provider.${ext}`,
        code: providerModule(detection, options, `wrap every page in it, in ${app}`),
        steps: [
          `In ${app}, wrap every page in it:\n\n` +
            `  import { Affitor } from '../affitor-provider'\n\n` +
            `  export default function App({ Component, pageProps }) {\n` +
            `    return <Affitor><Component {...pageProps} /></Affitor>\n` +
            `  }`,
          ...steps,
        ],
      }
    }
  }
}

function scriptTag({ programId, apiBase, nonce }: SnippetOptions): string {
  const api = apiBase ? ` data-affitor-api-base="${apiBase}"` : ''
  const tag = `<script src="${CDN_URL}" data-affitor-program-id="${programId}"${api}${nonce ? ` nonce="${nonce}"` : ''} defer></script>\n`
  // The stub first, as the README teaches, so that `affitor(…)` works before the tag loads (with the
  // page's nonce under a nonce-based policy).
  return `<script${nonce ? ` nonce="${nonce}"` : ''}>${STUB}</script>\n${tag}`
}

function providerModule(detection: Detection, { programId, apiBase }: SnippetOptions, where: string): string {
  const props = `programId="${programId}"${apiBase ? ` apiBase="${apiBase}"` : ''}`
  const typed = detection.typescript
  return [
    `import { AffitorProvider } from 'affitor-tracker/react'`,
    ...(typed ? [`import type { ReactNode } from 'react'`] : []),
    ``,
    `// Tracks the visits from partners' links on every page: ${where}.`,
    `// Written by \`npx affitor-tracker init\`.`,
    `export function Affitor({ children }${typed ? ': { children: ReactNode }' : ''}) {`,
    `  return <AffitorProvider ${props}>{children}</AffitorProvider>`,
    `}`,
    ``,
  ].join('\n')
}

/** The npm build started once for the whole app, for a Vite app without React. */
function initModule({ programId, apiBase }: SnippetOptions, main: string): string {
  return [
    `import { init } from 'affitor-tracker'`,
    ``,
    `// Tracks the visits from partners' links on every page: import this file first, in ${main}.`,
    `// Written by \`npx affitor-tracker init\`.`,
    `init({ programId: '${programId}'${apiBase ? `, apiBase: '${apiBase}'` : ''} })`,
    ``,
  ].join('\n')
}

function signupStep({ framework }: Detection): string {
  const intro = 'After a visitor registers, tie your own stable user id to their click:\n\n'
  if (framework == 'html') {
    return intro + `  // Through the stub: works before and after the tracker has loaded.\n  affitor('signup', user.id, user.email)`
  }
  if (framework == 'vite') return intro + `  import { signup } from 'affitor-tracker'\n\n  await signup(user.id, user.email)`
  return intro + `  import { useAffitor } from 'affitor-tracker/react'\n\n  const { signup } = useAffitor()\n  await signup(user.id, user.email)`
}

function backendStep({ programId, apiBase }: SnippetOptions): string {
  // Both were checked for quotes by the argument parser.
  const options = `apiKey: process.env.AFFITOR_API_KEY, programId: '${programId}'${apiBase ? `, apiBase: '${apiBase}'` : ''}`
  return (
    'On your backend, report each sale with the same user id (affitor-tracker/node; Stripe: withAffitorMetadata):\n\n' +
    `  import { createAffitorClient } from 'affitor-tracker/node'\n\n` +
    `  const affitor = createAffitorClient({ ${options} })\n` +
    `  await affitor.trackSale({ transaction_id: order.id, amount_cents: order.totalCents, customer_key: user.id })`
  )
}
