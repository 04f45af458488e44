import fs from 'node:fs'
import { vi } from 'vitest'

/**
 * Makes every `fs.write` fail as a full disk does (`ENOSPC`) until `full` is set to `false`;
 * undone by `vi.restoreAllMocks()`.
 */
export function fillDisk(): { full: boolean } {
  const disk = { full: true }
  const write = fs.write
  vi.spyOn(fs, 'write').mockImplementation(((...args: Parameters<typeof fs.write>) => {
    const done = args.at(-1) as (error: NodeJS.ErrnoException | null, written: number) => void
    if (disk.full) return void setImmediate(() => done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 0))
    return (write as (...args: unknown[]) => void)(...args)
  }) as typeof fs.write)
  return disk
}
