import t from 'tap'
import { readFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { initHashing } from '../../src/common/hash.js'
import { loadRingFile } from '../../src/ring/index.js'
import { startCluster } from '../helpers/cluster.js'

const cluster = await startCluster(t, { overrides: { proxy: { conn_timeout: 0.5, node_timeout: 3, error_suppression_interval: 1 } } })
const { token, storageUrl } = await cluster.auth()
const auth = { 'x-auth-token': token }

async function req (method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Response> {
  return await fetch(`${storageUrl}${path}`, { method, headers: { ...auth, ...headers }, body })
}

t.test('a client whose body stalls is cut off after client_timeout, and nothing is stored', async (t) => {
  const { url } = await cluster.addProxy({ proxy: { client_timeout: 1 } })
  const path = `${new URL(storageUrl).pathname}/stall`
  t.equal((await fetch(`${url}${path}`, { method: 'PUT', headers: { 'x-auth-token': token } })).status, 201)
  const started = Date.now()
  const closed = await new Promise<boolean>((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1', () => {
      socket.write(`PUT ${path}/o HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${token}\r\nContent-Length: 100\r\n\r\n0123456789`)
    })
    socket.on('close', () => { resolve(true) })
    socket.on('error', () => {})
    setTimeout(() => { socket.destroy(); resolve(false) }, 15_000).unref()
  })
  t.ok(closed, 'the proxy closed the connection')
  t.ok(Date.now() - started < 10_000, `within seconds (${Date.now() - started} ms)`)
  t.equal((await fetch(`${url}${path}/o`, { method: 'HEAD', headers: { 'x-auth-token': token } })).status, 404, 'no object from half a body')
})

t.test('one storage node down: writes succeed, a handoff holds the copy, reads succeed', async (t) => {
  t.equal((await req('PUT', '/f1')).status, 201)
  await cluster.stopNode(0)
  t.teardown(async () => { if (cluster.nodes[0] === undefined) await cluster.startNode(0) })
  const names: string[] = []
  for (let i = 0; i < 20; i++) {
    const name = `obj-${i}`
    const res = await req('PUT', `/f1/${name}`, {}, `body ${i}`)
    t.equal(res.status, 201, `PUT ${name}`)
    names.push(name)
  }
  for (const [i, name] of names.entries()) {
    const res = await req('GET', `/f1/${name}`)
    t.equal(res.status, 200)
    t.equal(await res.text(), `body ${i}`)
  }
  // Where node1 is a primary, the first live handoff holds the copy node1 missed.
  await initHashing()
  const conf = JSON.parse(await readFile(cluster.layout.proxyConfig, 'utf8')) as { cluster: { hash_path_prefix: string, hash_path_suffix: string } }
  const ring = await loadRingFile(join(cluster.layout.etcDir, 'object.ring.gz'),
    { prefix: conf.cluster.hash_path_prefix, suffix: conf.cluster.hash_path_suffix })
  const downPort = cluster.layout.nodes[0].port
  let checked = 0
  for (const name of names) {
    const { part, nodes } = ring.getNodes('AUTH_test', 'f1', name)
    if (!nodes.some((n) => n.port === downPort)) continue
    const handoff = [...ring.getMoreNodes(part)].find((n) => n.port !== downPort)
    if (handoff === undefined) continue
    const res = await fetch(`http://${handoff.ip}:${handoff.port}/${handoff.device}/${part}/AUTH_test/f1/${name}`, { method: 'HEAD' })
    t.equal(res.status, 200, `handoff ${handoff.port}/${handoff.device} holds ${name}`)
    checked++
  }
  t.ok(checked > 0, 'some objects had node1 as a primary')
  await cluster.startNode(0)
})

t.test('three of four nodes down: PUT gets 503 and nothing is acknowledged', async (t) => {
  t.equal((await req('PUT', '/f2')).status, 201)
  await cluster.stopNode(1)
  await cluster.stopNode(2)
  await cluster.stopNode(3)
  t.teardown(async () => {
    for (const i of [1, 2, 3]) if (cluster.nodes[i] === undefined) await cluster.startNode(i)
  })
  const res = await req('PUT', '/f2/o', {}, 'x')
  t.equal(res.status, 503)
  for (const i of [1, 2, 3]) await cluster.startNode(i)
})

t.test('GET while a node dies mid-body completes correctly or breaks the connection', async (t) => {
  t.equal((await req('PUT', '/f3')).status, 201)
  const size = 64 * 1024 * 1024
  const data = Buffer.alloc(size)
  for (let i = 0; i < size; i += 4) data.writeUInt32LE(i, i)
  t.equal((await req('PUT', '/f3/big', {}, data)).status, 201)
  const res = await req('GET', '/f3/big')
  t.equal(res.status, 200)
  const reader = res.body?.getReader()
  if (reader === undefined) throw new Error('no body')
  let received = 0
  const parts: Buffer[] = []
  let killed = false
  let broken = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(Buffer.from(value))
      received += value.length
      if (!killed && received > 4 * 1024 * 1024) {
        killed = true
        // Kill every node once: the one serving this body is among them; the others come back at once.
        for (const i of [0, 1, 2, 3]) {
          await cluster.stopNode(i)
          if (i !== 3) await cluster.startNode(i)
        }
        await cluster.startNode(3)
      }
    }
  } catch {
    broken = true
  }
  if (broken) t.pass('connection broken rather than a short body')
  else {
    const back = Buffer.concat(parts)
    t.equal(back.length, size, 'complete body')
    t.ok(back.equals(data), 'same bytes')
  }
})
