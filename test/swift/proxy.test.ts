import t from 'tap'
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Agent } from 'undici'
import { startCluster } from '../helpers/cluster.js'
import { freePort, spawnCli, tempDir } from '../helpers/process.js'

const cluster = await startCluster(t, { overrides: { proxy: { node_timeout: 2, error_suppression_limit: 2, error_suppression_interval: 60 } } })
const { token, storageUrl } = await cluster.auth()
const auth = { 'x-auth-token': token }

async function req (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
  return await fetch(`${storageUrl}${path}`, { method, headers: { ...auth, ...headers }, body })
}

t.test('operational endpoints', async (t) => {
  const health = await fetch(`${cluster.url}/healthcheck`)
  t.equal(health.status, 200)
  t.equal(await health.text(), 'OK')
  const info = await (await fetch(`${cluster.url}/info`)).json() as { swift: Record<string, unknown> }
  t.equal(info.swift.max_file_size, 5 * 1024 ** 3)
  t.equal(info.swift.container_listing_limit, 10000)
  t.same((info.swift.policies as Array<{ name: string }>).map((p) => p.name), ['gold', 'silver'])
  const metrics = await (await fetch(`${cluster.url}/metrics`)).text()
  t.match(metrics, /ringstore_proxy_request_duration_seconds/)
  t.match(metrics, /process_resident_memory_bytes/)
})

t.test('X-Newest serves the newest replica after a node missed a write', async (t) => {
  await req('PUT', '/newest')
  t.equal((await req('PUT', '/newest/o', {}, 'old')).status, 201)
  await cluster.stopNode(0)
  await cluster.stopNode(2)
  t.teardown(async () => {
    for (const i of [0, 2]) if (cluster.nodes[i] === undefined) await cluster.startNode(i)
  })
  const put = await req('PUT', '/newest/o', {}, 'new')
  t.equal(put.status, 201)
  await cluster.startNode(0)
  await cluster.startNode(2)
  for (let i = 0; i < 5; i++) {
    const res = await req('GET', '/newest/o', { 'x-newest': 'true' })
    t.equal(await res.text(), 'new', 'X-Newest never serves the stale copy')
  }
})

t.test('TLS when a certificate and key are configured', async (t) => {
  const dir = await tempDir(t)
  const key = join(dir, 'key.pem')
  const cert = join(dir, 'cert.pem')
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=127.0.0.1'])
  const conf = JSON.parse(await readFile(cluster.layout.proxyConfig, 'utf8')) as { proxy: Record<string, unknown> }
  const port = await freePort()
  conf.proxy = { ...conf.proxy, bind_port: port, tls_cert: cert, tls_key: key }
  const file = join(dir, 'proxy-tls.json')
  await writeFile(file, JSON.stringify(conf))
  const proxy = spawnCli(t, ['proxy', '--config', file])
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } })
  t.teardown(async () => { await dispatcher.close() })
  const deadline = Date.now() + 15000
  let status = 0
  while (Date.now() < deadline) {
    try {
      status = (await fetch(`https://127.0.0.1:${port}/healthcheck`, { dispatcher } as unknown as RequestInit)).status
      if (status === 200) break
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(status, 200, `TLS healthcheck answered\n${proxy.output()}`)
  const login = await fetch(`https://127.0.0.1:${port}/auth/v1.0`, {
    headers: { 'x-auth-user': 'test:tester', 'x-auth-key': 'testing' }, dispatcher
  } as unknown as RequestInit)
  t.match(login.headers.get('x-storage-url') ?? '', /^https:\/\//)
})

t.test('error limiting: a hung node stops costing a timeout per request', async (t) => {
  await req('PUT', '/limits')
  for (let i = 0; i < 12; i++) await req('PUT', `/limits/o${i}`, {}, 'x')
  // node1 (r1z1) is this proxy's nearest node, so reads try it first; a stopped process still
  // accepts connections, so each read that tries it waits node_timeout (2 s) until it is limited.
  const hung = cluster.nodes[0]?.child
  hung?.kill('SIGSTOP')
  t.teardown(() => { hung?.kill('SIGCONT') })
  let slow = 0
  for (let i = 0; i < 12; i++) {
    const started = Date.now()
    const res = await req('GET', `/limits/o${i}`)
    t.equal(res.status, 200)
    t.equal(await res.text(), 'x')
    if (Date.now() - started > 1500) slow++
  }
  t.ok(slow <= 2, `only the reads before the node was error-limited waited for it (${slow} slow)`)
  hung?.kill('SIGCONT')
})
