/**
 * `node bench/bare-server.mjs`: the least an HTTP server on this machine can do for a tracking
 * request (read the body, parse it as JSON, answer a small JSON object), with nothing stored. The
 * reference server's throughput is reported beside it: what is left is the server's own work.
 */
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'

const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'))
    const json = JSON.stringify({ success: true, click_id: `clk_${randomUUID().slice(0, 16)}`, partner_code: 'P1', cookie_window_days: 60 })
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(json)) })
    res.end(json)
  })
})
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`))
