import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const made: string[] = []

/**
 * A project directory in the system's temp folder, with `files` (path → content; an object is
 * written as JSON, a path ending in `/` is an empty directory). Removed by {@link removeProjects}.
 */
export function makeProject(files: Record<string, string | object> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'affitor-project-'))
  made.push(dir)
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith('/')) {
      mkdirSync(join(dir, path), { recursive: true })
      continue
    }
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), typeof content == 'string' ? content : JSON.stringify(content))
  }
  return dir
}

/** Removes the directories {@link makeProject} made: call it in `afterEach`. */
export function removeProjects(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** The package.json files of the frameworks `init` knows. */
export const MANIFESTS = Object.freeze({
  vite: { name: 'shop', devDependencies: { vite: '^7.0.0', '@vitejs/plugin-react': '^5.0.0' }, dependencies: { react: '^19.0.0', 'react-dom': '^19.0.0' } },
  next: { name: 'shop', dependencies: { next: '^16.0.0', react: '^19.0.0', 'react-dom': '^19.0.0' } },
  express: { name: 'shop', dependencies: { express: '^5.0.0' } },
  fastify: { name: 'shop', type: 'module', dependencies: { fastify: '^5.6.0' } },
  hono: { name: 'shop', type: 'module', dependencies: { '@hono/node-server': '^1.19.0', hono: '^4.10.0' }, devDependencies: { tsx: '^4.20.0', typescript: '^5.9.0' } },
  nuxt: { name: 'shop', private: true, type: 'module', dependencies: { nuxt: '^4.2.0', vue: '^3.5.0', 'vue-router': '^4.6.0' } },
  sveltekit: { name: 'shop', type: 'module', devDependencies: { '@sveltejs/adapter-auto': '^7.0.0', '@sveltejs/kit': '^2.49.0', '@sveltejs/vite-plugin-svelte': '^6.2.0', svelte: '^5.45.0', vite: '^7.2.0' } },
  astro: { name: 'shop', type: 'module', dependencies: { astro: '^5.16.0' } },
  remix: {
    name: 'shop',
    type: 'module',
    dependencies: { '@remix-run/node': '^2.17.0', '@remix-run/react': '^2.17.0', '@remix-run/serve': '^2.17.0', react: '^18.3.0', 'react-dom': '^18.3.0' },
    devDependencies: { '@remix-run/dev': '^2.17.0', vite: '^6.0.0' },
  },
  reactRouter: {
    name: 'shop',
    type: 'module',
    dependencies: { '@react-router/node': '^7.10.0', '@react-router/serve': '^7.10.0', 'react-router': '^7.10.0', react: '^19.2.0', 'react-dom': '^19.2.0' },
    devDependencies: { '@react-router/dev': '^7.10.0', vite: '^7.2.0' },
  },
})
