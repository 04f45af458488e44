/**
 * What every benchmark shares: compressed sizes, medians and percentiles, and the machine.
 */
import { cpus, totalmem } from 'node:os'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

/** Raw, gzip (level 9) and brotli (quality 11) bytes of `code`, as CDNs serve it at best. */
export function sizes(code) {
  const buffer = Buffer.from(code)
  return {
    raw: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  }
}

/** The `p`-th percentile (0 to 100) of `values`, nearest rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

export const median = (values) => percentile(values, 50)

/** This machine, for the results: CPU model and count, memory, Node. */
export function machine() {
  const cpu = cpus()
  return `${cpu.length} × ${cpu[0]?.model.trim() || 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${process.platform} ${process.arch}`
}

/** Rounds to `digits` decimals, as a string. */
export const round = (value, digits = 1) => (value == null || Number.isNaN(value) ? 'n/a' : Number(value).toFixed(digits))
