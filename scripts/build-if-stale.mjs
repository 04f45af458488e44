/**
 * `npm run demo` and `npx affitor-tracker`-style quick starts: builds the package (`npm run build`)
 * only when `dist/` is missing or older than what it is built from, and quietly: the build's log
 * is printed only when it fails. A fresh build leaves the demo serving in a second or two.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** What the build reads: a change to any of these makes `dist/` stale. */
const INPUTS = ['src', 'tsup.config.ts', 'scripts/finish-types.mjs', 'package.json', 'package-lock.json']

/** The newest (`pick` = Math.max) or oldest (Math.min) modification time under `path`; undefined when missing. */
function mtime(path, pick) {
  let stat
  try {
    stat = statSync(path)
  } catch {
    return undefined
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  const times = readdirSync(path).map((name) => mtime(join(path, name), pick)).filter((time) => time !== undefined)
  return times.length ? pick(...times) : undefined
}

const built = mtime('dist', Math.min)
const changed = Math.max(...INPUTS.map((path) => mtime(path, Math.max) ?? 0))
if (built === undefined || built < changed) {
  process.stdout.write(built === undefined ? 'Building the package (first run, about 30 s)…\n' : 'Sources changed: rebuilding the package…\n')
  const build = spawnSync('npm', ['run', 'build', '--silent'], { encoding: 'utf8', stdio: 'pipe' })
  if (build.status !== 0) {
    process.stderr.write(build.stdout + build.stderr)
    process.exit(build.status || 1)
  }
}
