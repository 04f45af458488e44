import { startReferenceServer, type ReferenceServer } from '../server/server'
import type { DevOptions } from './args'
import type { CliIo } from './io'

/** What `dev --json` prints once the server listens. */
export interface DevInfo {
  /** The tracking API's base URL, for `apiBase`. */
  apiBase: string
  /** The live page that shows each click → lead → sale chain. */
  livePage: string
  /** The first program of the seed, with its secrets. */
  programId: string
  apiKey: string
  webhookSecret: string | null
}

/**
 * `affitor-tracker dev`: starts the reference server and prints where it is and the seed's
 * first program (`json`: one {@link DevInfo} object; otherwise also a log line per request).
 * Resolves with the running server; rejects with `EADDRINUSE` when the port is taken.
 */
export async function startDev(options: DevOptions, io: CliIo): Promise<ReferenceServer> {
  const server = await startReferenceServer({
    port: options.port,
    host: options.host ? '0.0.0.0' : '127.0.0.1',
    seed: options.seed,
    dataFile: options.dataFile,
    log: options.json ? false : (line) => io.out(line + '\n'),
  })
  const program = server.store.programs[0]
  const info: DevInfo = {
    apiBase: server.url,
    livePage: `${server.url}/__affitor/`,
    programId: program.id,
    apiKey: program.api_key,
    webhookSecret: program.stripe_webhook_secret ?? null,
  }
  if (options.json) {
    io.out(JSON.stringify(info) + '\n')
    return server
  }
  const partner = program.partners.find((candidate) => candidate.active)
  io.out(
    [
      `affitor reference server listening on ${info.apiBase}`,
      '',
      `  API base:        ${info.apiBase}   (apiBase option, data-affitor-api-base)`,
      `  Live page:       ${info.livePage}`,
      `  Program id:      ${info.programId}`,
      `  API key:         ${info.apiKey}`,
      ...(info.webhookSecret ? [`  Webhook secret:  ${info.webhookSecret}   (signs test Stripe events for ${info.apiBase}/api/v1/webhooks/stripe)`] : []),
      ...(partner ? [`  A partner link:  any page of your site with ?aff=${partner.code}`] : []),
      '',
      `  Try the whole chain: npx affitor-tracker test chain --api-base ${info.apiBase} --api-key ${info.apiKey} --program-id ${info.programId}`,
      '  Stop with Ctrl+C.',
      '',
      '',
    ].join('\n'),
  )
  return server
}
