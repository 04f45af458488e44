#!/usr/bin/env node
/**
 * `affitor-tracker`, the command line: `init` (the snippet for a project), `dev` (the reference
 * server with its live page) and `test chain` (click → lead → sale against an endpoint).
 * See `affitor-tracker --help`, and {@link runCli} for the exit codes.
 */
import { processIo } from './io'
import { runCli } from './main'

runCli(process.argv.slice(2), processIo()).then((code) => {
  // Not process.exit(): it could cut off output still on its way to a pipe.
  process.exitCode = code
})
