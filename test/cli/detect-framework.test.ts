// @vitest-environment node
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { detectFramework } from '../../src/cli/detect-framework'
import { makeProject, MANIFESTS, removeProjects } from '../helpers/project'

afterEach(removeProjects)

describe('detectFramework', () => {
  it('takes a directory without package.json for plain HTML', () => {
    expect(detectFramework(makeProject({ 'index.html': '<h1>Hi</h1>' }))).toEqual({ framework: 'html', reason: 'no package.json', typescript: false })
  })

  it('takes a package.json without a framework it knows for plain HTML', () => {
    expect(detectFramework(makeProject({ 'package.json': { dependencies: { react: '1' } } })).framework).toBe('html')
    expect(detectFramework(makeProject({ 'package.json': { dependencies: { 'react-router': '7' } } })).framework).toBe('html')
    expect(detectFramework(makeProject({ 'package.json': {} })).reason).toBe('none of the frameworks init knows in package.json')
  })

  it('detects a Vite app without React (vanilla, Vue, Svelte, Solid, Preact) as Vite', () => {
    for (const deps of [{ vite: '1' }, { vite: '1', vue: '3' }, { vite: '1', svelte: '5' }, { vite: '1', 'solid-js': '1' }, { vite: '1', preact: '10' }]) {
      expect(detectFramework(makeProject({ 'package.json': { devDependencies: deps } }))).toEqual({ framework: 'vite', reason: 'vite in package.json, without react', typescript: false, install: 'npm install affitor-tracker' })
    }
  })

  it('names the install command of the package manager whose lockfile the project holds', () => {
    const command = (lockfile?: string) => detectFramework(makeProject({ 'package.json': MANIFESTS.vite, ...(lockfile && { [lockfile]: '' }) })).install
    expect(command()).toBe('npm install affitor-tracker')
    expect(command('pnpm-lock.yaml')).toBe('pnpm add affitor-tracker')
    expect(command('yarn.lock')).toBe('yarn add affitor-tracker')
    expect(command('bun.lock')).toBe('bun add affitor-tracker')
    expect(detectFramework(makeProject({ 'index.html': '' })).install).toBeUndefined()
  })

  it("names the package manager of package.json's packageManager field before any lockfile", () => {
    const command = (packageManager: string, lockfile = 'package-lock.json') => detectFramework(makeProject({ 'package.json': { ...MANIFESTS.vite, packageManager }, [lockfile]: '' })).install
    expect(command('pnpm@9.1.0')).toBe('pnpm add affitor-tracker')
    expect(command('yarn@4.5.0+sha512.0123abcd')).toBe('yarn add affitor-tracker')
    expect(command('bun@1.2.0')).toBe('bun add affitor-tracker')
    expect(command('npm@10.8.0', 'pnpm-lock.yaml')).toBe('npm install affitor-tracker')
    // One it does not know leaves the choice to the lockfile.
    expect(command('cnpm@9.0.0', 'yarn.lock')).toBe('yarn add affitor-tracker')
  })

  it("finds a monorepo root's lockfile in a parent directory, up to the repository's root", () => {
    const root = makeProject({ '.git/': '', 'pnpm-lock.yaml': '', 'package.json': { name: 'monorepo', private: true }, 'apps/web/package.json': MANIFESTS.vite })
    expect(detectFramework(join(root, 'apps/web')).install).toBe('pnpm add affitor-tracker')
    // The project's own lockfile comes first.
    const own = makeProject({ '.git/': '', 'pnpm-lock.yaml': '', 'apps/web/package.json': MANIFESTS.vite, 'apps/web/package-lock.json': '' })
    expect(detectFramework(join(own, 'apps/web')).install).toBe('npm install affitor-tracker')
    // No lockfile above the directory holding .git is looked at.
    const outside = makeProject({ 'yarn.lock': '', 'repo/.git/': '', 'repo/package.json': MANIFESTS.vite })
    expect(detectFramework(join(outside, 'repo')).install).toBe('npm install affitor-tracker')
    const nested = makeProject({ 'yarn.lock': '', 'repo/.git/': '', 'repo/apps/web/package.json': MANIFESTS.vite })
    expect(detectFramework(join(nested, 'repo/apps/web')).install).toBe('npm install affitor-tracker')
  })

  it('detects Vite + React from dependencies and devDependencies, and TypeScript from tsconfig.json', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.vite }))).toEqual({ framework: 'vite-react', reason: 'vite and react in package.json', typescript: false, install: 'npm install affitor-tracker' })
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.vite, 'tsconfig.json': '{}' })).typescript).toBe(true)
  })

  it('detects the Next.js App Router from app/ or src/app/', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.next, 'app/': '' }))).toEqual({
      framework: 'next-app',
      reason: 'next in package.json and an app/ directory',
      routerDir: 'app',
      typescript: false,
      install: 'npm install affitor-tracker',
    })
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.next, 'src/app/layout.tsx': '', 'tsconfig.json': '{}' }))).toMatchObject({ framework: 'next-app', routerDir: 'src/app', typescript: true })
  })

  it('detects the Next.js Pages Router from pages/ or src/pages/', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.next, 'pages/index.js': '' }))).toMatchObject({ framework: 'next-pages', routerDir: 'pages' })
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.next, 'src/pages/': '' }))).toMatchObject({ framework: 'next-pages', routerDir: 'src/pages' })
  })

  it('prefers the App Router when both routers exist, and ignores a file named app', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.next, 'app/': '', 'pages/': '' })).framework).toBe('next-app')
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.next, app: 'not a directory', 'pages/': '' })).framework).toBe('next-pages')
  })

  it('falls back to plain HTML for next without a router directory, and says why', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.next }))).toEqual({
      framework: 'html',
      reason: 'next in package.json but no app/ or pages/ directory',
      typescript: false,
    })
  })

  it('detects Nuxt, its plugins at the root (Nuxt 3) or in app/ when app/ holds the app (Nuxt 4)', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.nuxt, 'app.vue': '', 'tsconfig.json': '{}' }))).toEqual({
      framework: 'nuxt',
      reason: 'nuxt in package.json',
      typescript: true,
      install: 'npm install affitor-tracker',
    })
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.nuxt, 'app/app.vue': '' }))).toEqual({
      framework: 'nuxt',
      reason: "nuxt in package.json and an app/ directory (Nuxt 4's layout)",
      srcDir: 'app',
      typescript: false,
      install: 'npm install affitor-tracker',
    })
    // The two files Nuxt 3 reads from app/ do not make it the source directory.
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.nuxt, 'app/router.options.ts': '', 'app/spa-loading-template.html': '' })).srcDir).toBeUndefined()
    // With vite listed too, still Nuxt.
    expect(detectFramework(makeProject({ 'package.json': { ...MANIFESTS.nuxt, devDependencies: { vite: '7' } } })).framework).toBe('nuxt')
  })

  it('detects SvelteKit before Vite, which it has, and finds its own client hooks', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.sveltekit, 'tsconfig.json': '{}' }))).toEqual({
      framework: 'sveltekit',
      reason: '@sveltejs/kit in package.json',
      typescript: true,
      install: 'npm install affitor-tracker',
    })
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.sveltekit, 'src/hooks.client.js': 'export function handleError() {}' }))).toMatchObject({
      framework: 'sveltekit',
      reason: '@sveltejs/kit in package.json and a src/hooks.client.js',
      clientHooks: 'src/hooks.client.js',
    })
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.sveltekit, 'src/hooks.client.ts/': '' })).clientHooks).toBeUndefined()
  })

  it('detects Astro before Vite and Vite + React, which an Astro site with the React integration has', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.astro }))).toEqual({ framework: 'astro', reason: 'astro in package.json', typescript: false, install: 'npm install affitor-tracker' })
    const withReact = { ...MANIFESTS.astro, dependencies: { ...MANIFESTS.astro.dependencies, '@astrojs/react': '^4.4.0', react: '^19.2.0', 'react-dom': '^19.2.0', vite: '^7.0.0' } }
    expect(detectFramework(makeProject({ 'package.json': withReact })).framework).toBe('astro')
  })

  it('detects Remix from @remix-run/react, before Vite + React, which it has', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.remix, 'app/root.tsx': '', 'tsconfig.json': '{}', 'pnpm-lock.yaml': '' }))).toEqual({
      framework: 'remix',
      reason: '@remix-run/react in package.json',
      typescript: true,
      install: 'pnpm add affitor-tracker',
    })
  })

  it("detects React Router's framework mode from react-router with @react-router/dev, and leaves its library mode to Vite + React", () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.reactRouter, 'app/root.tsx': '' }))).toEqual({
      framework: 'react-router',
      reason: 'react-router and @react-router/dev in package.json',
      typescript: false,
      install: 'npm install affitor-tracker',
    })
    const library = { ...MANIFESTS.vite, dependencies: { ...MANIFESTS.vite.dependencies, 'react-router': '^7.10.0' } }
    expect(detectFramework(makeProject({ 'package.json': library })).framework).toBe('vite-react')
  })

  it('detects an Express, Fastify or Hono server without a front-end framework, its module system and its src/', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.express }))).toEqual({
      framework: 'express',
      reason: 'express in package.json, without a front-end framework',
      module: 'commonjs',
      typescript: false,
      install: 'npm install affitor-tracker',
    })
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.fastify, 'src/server.js': '' }))).toEqual({
      framework: 'fastify',
      reason: 'fastify in package.json, without a front-end framework',
      srcDir: 'src',
      module: 'esm',
      typescript: false,
      install: 'npm install affitor-tracker',
    })
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.hono, 'tsconfig.json': '{}', 'yarn.lock': '' }))).toMatchObject({ framework: 'hono', module: 'esm', typescript: true, install: 'yarn add affitor-tracker' })
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.hono })).workers).toBeUndefined()
    // Hono on Cloudflare Workers: wrangler in package.json, or its configuration file.
    expect(detectFramework(makeProject({ 'package.json': { ...MANIFESTS.hono, devDependencies: { wrangler: '^4.0.0' } } }))).toMatchObject({
      framework: 'hono',
      reason: 'hono in package.json, without a front-end framework, on Cloudflare Workers (wrangler in package.json)',
      workers: true,
    })
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.hono, 'wrangler.jsonc': '{}' }))).toMatchObject({ framework: 'hono', workers: true, reason: expect.stringContaining('(wrangler.jsonc)') })
    // Only Hono's snippet has a Workers form.
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.express, 'wrangler.toml': '' })).workers).toBeUndefined()
    // A front-end framework with a server of its own (a custom Next.js server, Vite in middleware mode) is the front end's.
    expect(detectFramework(makeProject({ 'package.json': { dependencies: { ...MANIFESTS.next.dependencies, express: '5' } }, 'app/': '' })).framework).toBe('next-app')
    expect(detectFramework(makeProject({ 'package.json': { dependencies: { ...MANIFESTS.vite.dependencies, ...MANIFESTS.vite.devDependencies, express: '5' } } })).framework).toBe('vite-react')
    expect(detectFramework(makeProject({ 'package.json': { dependencies: { '@remix-run/react': '2', '@remix-run/express': '2', express: '4' } } })).framework).toBe('remix')
  })

  it('reads a package.json that starts with a byte order mark, as some Windows editors save it', () => {
    const dir = makeProject({ 'package.json': '\uFEFF' + JSON.stringify(MANIFESTS.vite) })
    expect(detectFramework(dir)).toMatchObject({ framework: 'vite-react' })
  })

  it('throws an Error naming a package.json that is not JSON', () => {
    const dir = makeProject({ 'package.json': '{ "name": ' })
    expect(() => detectFramework(dir)).toThrow(`Cannot read ${join(dir, 'package.json')}`)
  })
})
