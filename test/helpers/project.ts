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
})
