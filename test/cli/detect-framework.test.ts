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

  it('takes a package.json without next, or vite with react, for plain HTML', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.express })).framework).toBe('html')
    expect(detectFramework(makeProject({ 'package.json': { dependencies: { vite: '1' } } })).framework).toBe('html')
    expect(detectFramework(makeProject({ 'package.json': { dependencies: { react: '1' } } })).framework).toBe('html')
    expect(detectFramework(makeProject({ 'package.json': {} })).reason).toBe('no next, nor vite with react, in package.json')
  })

  it('detects Vite + React from dependencies and devDependencies, and TypeScript from tsconfig.json', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.vite }))).toEqual({ framework: 'vite-react', reason: 'vite and react in package.json', typescript: false })
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.vite, 'tsconfig.json': '{}' })).typescript).toBe(true)
  })

  it('detects the Next.js App Router from app/ or src/app/', () => {
    expect(detectFramework(makeProject({ 'package.json': MANIFESTS.next, 'app/': '' }))).toEqual({
      framework: 'next-app',
      reason: 'next in package.json and an app/ directory',
      routerDir: 'app',
      typescript: false,
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

  it('throws an Error naming a package.json that is not JSON', () => {
    const dir = makeProject({ 'package.json': '{ "name": ' })
    expect(() => detectFramework(dir)).toThrow(`Cannot read ${join(dir, 'package.json')}`)
  })
})
