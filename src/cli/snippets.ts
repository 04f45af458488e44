import { isBackend, type Backend, type Detection } from './detect-framework'

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

/** The stub that queues calls made before the tracker has loaded, as docs/script-tag.md prints it with its CSP hash. */
export const STUB = 'window.affitor=window.affitor||function(){(window.affitor.q=window.affitor.q||[]).push(arguments)}'

/**
 * The snippet for a detected project. For plain HTML it is the script tag; for React projects a
 * small component wrapping `<AffitorProvider>` with the program's options, so that those live in
 * one new file and the app's own files change by two lines (shown in the first step); for the
 * others the npm build's `init()`, where the framework runs code once in the browser: a Nuxt
 * client plugin, SvelteKit's client hooks, an Astro component's bundled `<script>`, or a module
 * the app's entry imports. For a Node server (Express, Fastify, Hono) there is no browser part:
 * a module with the backend client and the first-party endpoint, and the lines that mount the
 * endpoint and report the lead and the sale.
 */
export function snippetFor(detection: Detection, options: SnippetOptions): Snippet {
  if (isBackend(detection.framework)) return serverSnippet(detection, detection.framework, options)
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
        code: initModule(options, `import this file first, in ${main}`),
        steps: [`In ${main}, import it first:\n\n  import './affitor'`, ...steps],
      }
    }
    case 'nuxt': {
      // Nuxt 4 looks for plugins/ in app/, Nuxt 3 at the root.
      const path = `${detection.srcDir ? detection.srcDir + '/' : ''}plugins/affitor.client.${detection.typescript ? 'ts' : 'js'}`
      return {
        path,
        code: nuxtPlugin(options),
        steps: [`Nothing to register: Nuxt loads every file in ${path.replace(/[^/]+$/, '')} by itself, and one named .client only in the browser.`, ...steps],
      }
    }
    case 'sveltekit': {
      const hooks = `src/hooks.client.${detection.typescript ? 'ts' : 'js'}`
      if (!detection.clientHooks) {
        return {
          path: hooks,
          code: initModule(options, 'SvelteKit runs this file once, in the browser, when the app starts'),
          steps: [`Nothing else to change: SvelteKit loads ${hooks} by itself, in the browser only.`, ...steps],
        }
      }
      // The project's hooks are its own: a module of ours, which they import.
      return {
        path: `src/lib/affitor.${detection.typescript ? 'ts' : 'js'}`,
        code: initModule(options, `import this file first, in ${detection.clientHooks}`),
        steps: [`In ${detection.clientHooks}, import it first:\n\n  import '$lib/affitor'`, ...steps],
      }
    }
    case 'astro':
      return {
        path: 'src/components/Affitor.astro',
        code: astroComponent(options),
        steps: [
          `In your layout (src/layouts/Layout.astro in Astro's starters), render it in the <head>:\n\n` +
            `  ---\n` +
            `  import Affitor from '../components/Affitor.astro'\n` +
            `  ---\n` +
            `  <head>\n` +
            `    <Affitor />\n` +
            `  </head>`,
          ...steps,
        ],
      }
    case 'remix':
    case 'react-router': {
      const root = `app/root.${ext}`
      return {
        path: `app/affitor.${ext}`,
        code: providerModule(detection, options, `wrap the outlet in it, in the root route (${root})`),
        steps: [
          `In ${root}, wrap the outlet in it (it renders on the server too; the tracker starts in the browser):\n\n` +
            `  import { Affitor } from './affitor'\n\n` +
            `  export default function App() {\n` +
            `    return <Affitor><Outlet /></Affitor>\n` +
            `  }`,
          ...steps,
        ],
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
  // The stub first, as the docs teach, so that `affitor(…)` works before the tag loads (with the
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

/** The options of `init()`, as an object literal. */
function initOptions({ programId, apiBase }: SnippetOptions): string {
  // Both were checked for quotes by the argument parser.
  return `{ programId: '${programId}'${apiBase ? `, apiBase: '${apiBase}'` : ''} }`
}

/** The npm build started once for the whole app: `how` says where it runs from. */
function initModule(options: SnippetOptions, how: string): string {
  return [
    `import { init } from 'affitor-tracker'`,
    ``,
    `// Tracks the visits from partners' links on every page: ${how}.`,
    `// Written by \`npx affitor-tracker init\`.`,
    `init(${initOptions(options)})`,
    ``,
  ].join('\n')
}

/** A Nuxt plugin: `defineNuxtPlugin` is one of Nuxt's auto-imports. */
function nuxtPlugin(options: SnippetOptions): string {
  return [
    `import { init } from 'affitor-tracker'`,
    ``,
    `// Tracks the visits from partners' links on every page: Nuxt runs a .client plugin once, in`,
    `// the browser, when the app starts.`,
    `// Written by \`npx affitor-tracker init\`.`,
    `export default defineNuxtPlugin(() => {`,
    `  init(${initOptions(options)})`,
    `})`,
    ``,
  ].join('\n')
}

/** An Astro component whose `<script>` Astro bundles (imports resolved) and adds once to each page that renders it. */
function astroComponent(options: SnippetOptions): string {
  return [
    `---`,
    `// Tracks the visits from partners' links on every page: render <Affitor /> in your layout's <head>.`,
    `// Astro bundles the script below and adds it once to each page, however often it is rendered.`,
    `// Written by \`npx affitor-tracker init\`.`,
    `---`,
    `<script>`,
    `  import { init } from 'affitor-tracker'`,
    ``,
    `  init(${initOptions(options)})`,
    `</script>`,
    ``,
  ].join('\n')
}

function signupStep({ framework }: Detection): string {
  const intro = 'After a visitor registers, tie your own stable user id to their click:\n\n'
  if (framework == 'html') {
    return intro + `  // Through the stub: works before and after the tracker has loaded.\n  affitor('signup', user.id, user.email)`
  }
  if (framework == 'vite' || framework == 'nuxt' || framework == 'sveltekit' || framework == 'astro') {
    return intro + `  import { signup } from 'affitor-tracker'\n\n  await signup(user.id, user.email)`
  }
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

/** What each Node server's steps say: how the first-party endpoint is mounted (`how`, then the line), and a route's request. */
const SERVERS: Readonly<Record<Backend, { how: string; mount: string; request: string }>> = Object.freeze({
  express: {
    how:
      'In the file that creates your app, in the same folder, mount the first-party endpoint before the body parsers ' +
      '(it reads the body itself, and passes every other path on):',
    mount: 'app.use(affitorFirstParty)',
    request: 'req',
  },
  fastify: {
    how:
      'In the file that creates your app, in the same folder, add the first-party endpoint as a hook of the root instance ' +
      '(it answers /_affitor/… before Fastify reads the body, and lets every other request through):',
    mount: "app.addHook('onRequest', affitorFirstParty)",
    request: 'req',
  },
  hono: {
    how: "In the file that creates your app, in the same folder, route /_affitor/ to the first-party endpoint (a Fetch API handler, as Hono's are):",
    mount: "app.all('/_affitor/*', (c) => affitorFirstParty(c.req.raw))",
    // The Fetch API Request, whose Cookie header readClickId() reads.
    request: 'c.req.raw',
  },
})

/**
 * A Node server's snippet: `affitor.ts` (or `.js`, in `src/` when the project has one) holding
 * the backend client and the first-party endpoint; the steps mount the endpoint, report the
 * lead and the sale, and point the browser tracker at the endpoint. A JavaScript project without
 * `"type": "module"` gets `require()`.
 */
function serverSnippet(detection: Detection, server: Backend, { programId, apiBase }: SnippetOptions): Snippet {
  const typed = detection.typescript
  const workers = server == 'hono' && detection.workers == true
  // A Worker is an ES module, bundled by wrangler, whatever package.json's "type" says.
  const commonjs = !typed && detection.module == 'commonjs' && !workers
  // Node's ES modules need the extension, which TypeScript maps to the .ts file; wrangler's bundler resolves either.
  const self = detection.module == 'commonjs' && !workers ? './affitor' : './affitor.js'
  const use = (names: string, from: string) => (commonjs ? `const { ${names} } = require('${from}')` : `import { ${names} } from '${from}'`)
  const exported = commonjs ? '' : 'export '
  const type = (annotation: string) => (typed ? annotation : '')
  const handler = `createFirstPartyHandler(${apiBase ? `{ apiBase: '${apiBase}' }` : ''})`
  const clientOptions = (apiKey: string) => `apiKey: ${apiKey}, programId: '${programId}'${apiBase ? `, apiBase: '${apiBase}'` : ''}`
  // The client, in the steps' lines: made from the request's env on Workers.
  const client = workers ? 'affitorFor(c.env)' : 'affitor'
  const endpoint = {
    express: [`${exported}const affitorFirstParty = toNodeHandler(${handler})`],
    fastify: [
      `const firstParty = toNodeHandler(${handler})`,
      ``,
      `// An onRequest hook: it runs before Fastify reads the body, which the endpoint reads itself.`,
      `${exported}function affitorFirstParty(req${type(': FastifyRequest')}, reply${type(': FastifyReply')}, done${type(': HookHandlerDoneFunction')})${type(': void')} {`,
      `  if (!req.url.startsWith('/_affitor/')) return done()`,
      `  reply.hijack()`,
      `  firstParty(req.raw, reply.raw)`,
      `}`,
    ],
    hono: [`${exported}const affitorFirstParty = ${handler}`],
  }[server]
  const code = [
    use(server == 'hono' ? 'createFirstPartyHandler' : 'createFirstPartyHandler, toNodeHandler', 'affitor-tracker/first-party'),
    use('createAffitorClient', 'affitor-tracker/node'),
    ...(server == 'fastify' && typed ? [`import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'`] : []),
    ``,
    `// The tracking API from this server: the lead after a signup, the sale after a payment. The API`,
    `// key is the program's secret (AFFITOR_API_KEY in the environment): never send it to a browser.`,
    `// Written by \`npx affitor-tracker init\`.`,
    // Both were checked for quotes by the argument parser.
    ...(workers
      ? [
          `// On Cloudflare Workers the key comes with each request, in c.env (\`wrangler secret put AFFITOR_API_KEY\`):`,
          `// affitorFor(c.env) makes the client from it.`,
          `${exported}const affitorFor = (env${type(': { AFFITOR_API_KEY?: string }')}) => createAffitorClient({ ${clientOptions('env.AFFITOR_API_KEY')} })`,
        ]
      : [`${exported}const affitor = createAffitorClient({ ${clientOptions('process.env.AFFITOR_API_KEY')} })`]),
    ``,
    `// First-party mode: the browser tracker sends its clicks and leads to /_affitor on this site,`,
    `// which forwards them to the tracking API and sets the click cookie from this server: a cookie`,
    `// Safari keeps for the whole attribution window, on requests ad blockers do not drop.`,
    ...endpoint,
    ...(commonjs ? [``, `module.exports = { affitor, affitorFirstParty }`] : []),
    ``,
  ].join('\n')
  const { how, mount, request } = SERVERS[server]
  const lead = `${client}.trackLead({ customer_key: user.id, email: user.email, click_id: readClickId(${request}) }).catch((error) => console.error('affitor lead:', error.message))`
  return {
    path: `${detection.srcDir ? detection.srcDir + '/' : ''}affitor.${typed ? 'ts' : 'js'}`,
    code,
    steps: [
      `${workers && typed ? how.replace(/:$/, '; name the key in its Bindings, as secrets are: new Hono<{ Bindings: { AFFITOR_API_KEY: string } }>():') : how}` +
        `\n\n  ${use(`${workers ? 'affitorFor' : 'affitor'}, affitorFirstParty`, self)}\n\n  ${mount}`,
      `After a visitor registers, tie your own stable user id to their click, whose id the tracker keeps in the affitor_click_id cookie ` +
        `(sent from the server, no ad blocker drops it; should the API refuse it or be down, the signup must still succeed` +
        `${workers ? '; waitUntil() answers the signup without waiting for it' : ''}):\n\n` +
        `  ${use('readClickId', 'affitor-tracker/node')}\n\n` +
        (workers ? `  c.executionCtx.waitUntil(${lead})` : `  await ${lead}`),
      `After each payment, report the sale with the same user id (a transaction_id is recorded once, however often it is sent; Stripe Checkout: withAffitorMetadata):\n\n` +
        `  await ${client}.trackSale({ transaction_id: order.id, amount_cents: order.totalCents, customer_key: user.id })`,
      `Point the browser tracker at this server, from pages on the same origin: data-affitor-endpoint="/_affitor" on the script tag, ` +
        `or endpoint: '/_affitor' in init() or on <AffitorProvider> (init run in the front end's own project prints its snippet).`,
    ],
  }
}
