import { createServer } from 'node:http'
import { createStaticHandler } from './http/static'

// Minimal relay entry point: serves the built PWA. The relay's parts (templates, share chain,
// Stratum, libp2p, API) are composed here as they land.
const host = process.env.OTEDAMA_HTTP_HOST ?? '127.0.0.1'
const port = Number(process.env.OTEDAMA_HTTP_PORT ?? 8080)
const serveStatic = createStaticHandler(new URL('../../dist', import.meta.url).pathname)

const server = createServer((req, res) => {
  serveStatic(req, res).then((handled) => {
    if (!handled) res.writeHead(405).end()
  }).catch((err: unknown) => {
    res.writeHead(500).end(String(err))
  })
})
server.listen(port, host, () => {
  process.stderr.write(`otedama relay: http://${host}:${port}/\n`)
})
