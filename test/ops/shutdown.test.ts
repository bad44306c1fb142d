/**
 * Graceful shutdown of the proxy: an upload still streaming when SIGTERM arrives completes (201)
 * and its object is readable afterwards; the proxy stops accepting new connections and exits 0.
 */
import t from 'tap'
import { request } from 'node:http'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { startCluster } from '../helpers/cluster.js'
import { spawnCli, waitForHealthy } from '../helpers/process.js'

const cluster = await startCluster(t)
const { token, storageUrl } = await cluster.auth()

/** Whether a new TCP connection to the proxy is accepted (a fresh one, not a pooled keep-alive). */
async function accepts (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => { resolve(false) })
  })
}

const CHUNK = Buffer.alloc(64 * 1024, 'a')
const CHUNKS = 20

/** A chunked PUT that sends a chunk every 100 ms; `midway` fires once half the body is out. */
async function slowUpload (path: string, midway: () => void): Promise<number> {
  const url = new URL(`${storageUrl}${path}`)
  return await new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'x-auth-token': token, 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume()
      res.on('end', () => { resolve(res.statusCode ?? 0) })
    })
    req.on('error', reject)
    void (async () => {
      for (let i = 0; i < CHUNKS; i++) {
        req.write(CHUNK)
        if (i === CHUNKS / 2) midway()
        await sleep(100)
      }
      req.end()
    })()
  })
}

t.test('an upload in flight completes after SIGTERM', async (t) => {
  const put = await fetch(`${storageUrl}/graceful`, { method: 'PUT', headers: { 'x-auth-token': token } })
  t.equal(put.status, 201)
  const exited = new Promise<number | null>((resolve) => { cluster.proxy.child.once('exit', (code) => { resolve(code) }) })
  let refused: Promise<boolean> | undefined
  const status = await slowUpload('/graceful/big', () => {
    cluster.proxy.child.kill('SIGTERM')
    // Give the proxy a moment to close its listener, then try a new connection.
    refused = sleep(300).then(async () => !await accepts(cluster.layout.proxyPort))
  })
  t.equal(status, 201, 'the upload in flight was stored')
  t.equal(await refused, true, 'new connections are refused while stopping')
  t.equal(await exited, 0, 'the proxy exits cleanly once the upload is done')

  const proxy = spawnCli(t, ['proxy', '--config', cluster.layout.proxyConfig])
  await waitForHealthy(`${cluster.url}/healthcheck`, proxy)
  const { token: again } = await cluster.auth()
  const head = await fetch(`${storageUrl}/graceful/big`, { method: 'HEAD', headers: { 'x-auth-token': again } })
  t.equal(head.status, 200)
  t.equal(head.headers.get('content-length'), String(CHUNK.length * CHUNKS), 'every byte of the upload is there')
})
