// @vitest-environment node
import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { resolve } from 'node:path'
import { afterEach, expect, it } from 'vitest'

// `npm run demo -- --allowed-host <name>`: the demo reached through a tunnel or a forwarded port.
// Run after `npm run build` (npm test builds first).

let demo: ChildProcess | undefined
afterEach(() => void demo?.kill())

/** Starts `node examples/demo.mjs` with `args`; resolves with the port it printed. */
function startDemoCommand(args: string[]): Promise<number> {
  demo = spawn(process.execPath, [resolve(__dirname, '../../examples/demo.mjs'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((done, fail) => {
    let out = ''
    demo!.stdout!.on('data', (chunk) => {
      const port = /http:\/\/localhost:(\d+)\//.exec((out += chunk))
      if (port) done(+port[1])
    })
    demo!.on('exit', (code) => fail(new Error(`the demo exited with ${code}: ${out}`)))
  })
}

/** The status of a GET of `path` with the Host header `host`. */
const statusWithHost = (port: number, path: string, host: string) =>
  new Promise<number>((done, fail) => request({ port, host: '127.0.0.1', path, headers: { host } }, (res) => (res.resume(), done(res.statusCode!))).on('error', fail).end())

it('answers the names given with --allowed-host, and refuses others', async () => {
  const port = await startDemoCommand(['--allowed-host', 'shop-4700.tunnel.test'])
  expect(await statusWithHost(port, '/__affitor/events', 'shop-4700.tunnel.test')).toBe(200)
  expect(await statusWithHost(port, '/__affitor/events', `localhost:${port}`)).toBe(200)
  expect(await statusWithHost(port, '/__affitor/events', 'rebind.attacker.test')).toBe(403)
}, 30_000)
