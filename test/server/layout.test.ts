import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/*
 * The reference server's modules sit in folders by layer, and each imports only from its own
 * layer or the layers below it: configuration, then the store, then HTTP, then the routes and
 * the inspector, then what puts them together (handler, server, command line).
 */
const SERVER = resolve(__dirname, '../../src/server')
const LAYERS: Record<string, number> = { config: 0, store: 1, http: 2, routes: 3, inspector: 3, '.': 4 }

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? modules(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  )
}

/** The modules of the server a module imports, types included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)]
    .map(([, spec]) => resolve(dirname(file), spec) + '.ts')
    .filter((target) => target.startsWith(SERVER + '/'))
}

const layerOf = (file: string) => {
  const folder = dirname(relative(SERVER, file))
  expect(LAYERS, `${relative(SERVER, file)} is in a folder of no layer`).toHaveProperty([folder])
  return LAYERS[folder]
}

/** Every import cycle among `graph`'s modules, as one path each. */
export function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string) => {
    state.set(node, 'open')
    path.push(node)
    for (const next of graph.get(node) || []) {
      if (state.get(next) == 'open') found.push([...path.slice(path.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    path.pop()
    state.set(node, 'done')
  }
  for (const node of graph.keys()) if (!state.has(node)) visit(node)
  return found
}

describe('the reference server layout', () => {
  const files = modules(SERVER)
  const graph = new Map(files.map((file) => [file, importsOf(file)]))

  it('has modules in each layer folder', () => {
    for (const folder of Object.keys(LAYERS)) expect(files.some((file) => dirname(relative(SERVER, file)) == folder), folder).toBe(true)
  })

  it('imports from the same layer or a lower one only', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => layerOf(target) > layerOf(file)).map((target) => `${relative(SERVER, file)} → ${relative(SERVER, target)}`),
    )
    expect(upward).toEqual([])
  })

  it('has no import cycle', () => {
    expect(cycles(graph).map((cycle) => cycle.map((file) => relative(SERVER, file)).join(' → '))).toEqual([])
  })

  it('finds a cycle when there is one', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c', 'a']])
  })
})
