/**
 * Proxy workers (`workers = 2`): a second process serves on the same port, /metrics sums both,
 * a worker that dies is replaced, and the worker stops with the first process, whether that
 * one stops cleanly (SIGTERM) or is killed.
 */
import t from 'tap'
import { request } from 'node:http'
import { readFile, readdir } from 'node:fs/promises'
import { startCluster } from '../helpers/cluster.js'
import { until } from '../helpers/until.js'

const cluster = await startCluster(t, { overrides: { proxy: { workers: 2 } } })
const port = new URL(cluster.url).port
const primary = cluster.proxy.child.pid ?? 0

/** The pids of the live processes whose parent is `pid`. */
async function childrenOf (pid: number): Promise<number[]> {
  const found: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(fields[1]) === pid && fields[0] !== 'Z') found.push(Number(entry))
  }
  return found
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** A request on a connection of its own: whichever process accepts it answers. */
async function fresh (method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false, timeout: 3000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { body += d })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }) })
    })
    req.on('timeout', () => { req.destroy(new Error(`${method} ${path}: no answer in 3 s`)) })
    req.on('error', reject)
    req.end()
  })
}

/** What `fn` gets while `pid` is stopped (SIGSTOP): the other process has to serve it. */
async function withStopped<T> (pid: number, fn: () => Promise<T>): Promise<T> {
  process.kill(pid, 'SIGSTOP')
  try {
    return await fn()
  } finally {
    process.kill(pid, 'SIGCONT')
  }
}

/** The one worker, once it serves. */
async function servingWorker (): Promise<number> {
  return await until('a worker serving on the proxy port', async () => {
    const [worker] = await childrenOf(primary)
    if (worker === undefined) return undefined
    const served = await withStopped(primary, async () => await fresh('GET', '/healthcheck')).catch(() => undefined)
    return served?.status === 200 ? worker : undefined
  }, 30_000, 200)
}

t.test('a second process serves on the same port', async (t) => {
  const worker = await servingWorker()
  t.same(await childrenOf(primary), [worker], 'one worker, forked by the proxy')
  t.equal((await withStopped(worker, async () => await fresh('GET', '/healthcheck'))).status, 200, 'the first process serves too')
})

t.test('/metrics sums every process\'s', async (t) => {
  const worker = await servingWorker()
  const { token } = await cluster.auth()
  const heads = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) t.equal((await fresh('HEAD', '/v1/AUTH_test', { 'x-auth-token': token })).status, 204)
  }
  const count = async (): Promise<number> => {
    const text = (await fresh('GET', '/metrics')).body
    return Number(/^ringstore_proxy_request_duration_seconds_count\{api="swift",method="HEAD",status="204"\} (\d+)/m.exec(text)?.[1] ?? 0)
  }
  await withStopped(primary, heads)
  await withStopped(worker, heads)
  // Whichever process takes a scrape's connection, it counts both processes' requests.
  for (let i = 0; i < 4; i++) t.equal(await count(), 6, `scrape ${i + 1}`)
  t.match((await fresh('GET', '/metrics')).body, /^ringstore_ring_version_info\{ring="object",version="[^"]+"\} 1$/m, 'a ring version in use is 1, not a sum')
})

t.test('a worker that dies is replaced', async (t) => {
  const worker = await servingWorker()
  process.kill(worker, 'SIGKILL')
  const next = await servingWorker()
  t.not(next, worker, 'another worker serves')
})

t.test('the worker stops with the first process', async (t) => {
  const worker = await servingWorker()
  const exited = new Promise<number | null>((resolve) => { cluster.proxy.child.once('exit', (code) => { resolve(code) }) })
  cluster.proxy.child.kill('SIGTERM')
  t.equal(await exited, 0, 'a clean stop')
  await until('the worker to exit', async () => (alive(worker) ? undefined : true), 15_000)
  t.pass('the worker exited')
})

t.test('a worker whose first process is killed stops on its own', async (t) => {
  const second = await cluster.addProxy({ proxy: { workers: 2 } })
  const pid = second.daemon.child.pid ?? 0
  const [worker] = await until('the worker', async () => {
    const found = await childrenOf(pid)
    return found.length === 1 ? found : undefined
  })
  await second.daemon.kill('SIGKILL')
  await until('the orphaned worker to exit', async () => (alive(worker) ? undefined : true), 15_000)
  t.pass('the worker exited')
})
