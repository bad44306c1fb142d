/**
 * The WAN of the multi-region tests (netns.ts) is real at the packet level: between two region
 * namespaces a TCP connect takes at least a round trip (twice the one-way delay), bulk data flows
 * at no more than the link rate, UDP datagrams are lost at about the configured fraction each way
 * and arrive in order despite jitter, and the test process reaches a region without the delay.
 * Measured by small Node programs run inside the namespaces.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import t from 'tap'
import type { Teardown } from '../helpers/process.js'
import { createWan } from './netns.js'

const PORT = 7000

/** TCP: a sink that answers when the sender ends; UDP: echoes each datagram with how many it has received. */
const server = (addr: string): string => `
  import { createServer } from 'node:net'
  import { createSocket } from 'node:dgram'
  const tcp = createServer((s) => { s.resume(); s.on('end', () => { s.end('done') }) })
  const udp = createSocket('udp4')
  let received = 0
  udp.on('message', (m, from) => { received++; udp.send(m + ' ' + received, from.port, from.address) })
  tcp.listen(${PORT}, '${addr}', () => { udp.bind(${PORT}, '${addr}', () => { console.log('ready') }) })
`

const tcpClient = (addr: string, connects: number, bulkBytes: number): string => `
  import { connect } from 'node:net'
  const once = (onConnect) => new Promise((resolve, reject) => {
    const started = performance.now()
    const s = connect(${PORT}, '${addr}', () => { onConnect(s, started) })
    s.on('data', () => {})
    s.on('end', () => { resolve(performance.now() - started) })
    s.on('error', reject)
  })
  const rtts = []
  for (let i = 0; i < ${connects}; i++) await once((s, started) => { rtts.push(performance.now() - started); s.end() })
  const bulkMs = ${bulkBytes} > 0 ? await once((s) => { s.end(Buffer.alloc(${bulkBytes})) }) : 0
  console.log(JSON.stringify({ rtts, bulkMs }))
`

const udpClient = (addr: string, count: number, gapMs: number): string => `
  import { createSocket } from 'node:dgram'
  const udp = createSocket('udp4')
  const sent = []
  const echoes = []
  let serverReceived = 0
  udp.on('message', (m) => {
    const [seq, received] = m.toString().split(' ').map(Number)
    echoes.push({ seq, rtt: performance.now() - sent[seq] })
    serverReceived = Math.max(serverReceived, received)
  })
  await new Promise((resolve) => { udp.bind(0, resolve) })
  for (let i = 0; i < ${count}; i++) {
    sent.push(performance.now())
    udp.send(String(i), ${PORT}, '${addr}')
    await new Promise((resolve) => { setTimeout(resolve, ${gapMs}) })
  }
  await new Promise((resolve) => { setTimeout(resolve, 1000) })
  udp.close()
  console.log(JSON.stringify({ echoes, serverReceived }))
`

function nodeIn (ns: string | null, script: string): ChildProcess {
  const argv = [process.execPath, '--input-type=module', '-e', script]
  return ns === null ? spawn(argv[0], argv.slice(1)) : spawn('ip', ['netns', 'exec', ns, ...argv])
}

/** Runs a script to completion (inside `ns`, or here when null); resolves to its stdout as JSON. */
async function runIn<T> (ns: string | null, script: string): Promise<T> {
  const child = nodeIn(ns, script)
  let out = ''
  let err = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { err += d.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`script in ${ns ?? 'the test process'} exited ${code}: ${err}`)
  return JSON.parse(out) as T
}

/** Starts the server in `ns`; resolves once it listens; killed at teardown. */
async function startServer (t: Teardown, ns: string, addr: string): Promise<void> {
  const child = nodeIn(ns, server(addr))
  t.teardown(() => { child.kill('SIGKILL') })
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => { resolve() })
    child.once('exit', (code) => { reject(new Error(`server in ${ns} exited ${code}`)) })
  })
}

const min = (xs: number[]): number => Math.min(...xs)

t.test('delay and rate between two regions; none between the test process and a region', async (t) => {
  const delayMs = 40
  const rateMbit = 10
  const wan = await createWan(t, 2, { delayMs, rate: `${rateMbit}mbit` })
  t.comment(`delayed by ${wan.emulator}`)
  await startServer(t, wan.namespaces[1], wan.addresses[1])

  const bulkBytes = 1_500_000
  const remote = await runIn<{ rtts: number[], bulkMs: number }>(wan.namespaces[0], tcpClient(wan.addresses[1], 10, bulkBytes))
  const mbit = bulkBytes * 8 / (remote.bulkMs / 1000) / 1e6
  t.comment(`region 1 to region 2: TCP connect ${min(remote.rtts).toFixed(1)} ms at best; ${bulkBytes} B in ${remote.bulkMs.toFixed(0)} ms (${mbit.toFixed(1)} mbit/s)`)
  t.ok(min(remote.rtts) >= 2 * delayMs, 'a connect between regions takes at least twice the one-way delay')
  t.ok(min(remote.rtts) < 2 * delayMs + 30, 'and not much more: each packet pays the delay once')
  t.ok(mbit <= rateMbit * 1.1, 'bulk data flows no faster than the link rate')
  // Loose: slow start at this round trip and a loaded machine take their share.
  t.ok(mbit >= rateMbit * 0.25, 'and not far slower: the emulator keeps up')

  if (wan.emulator === 'tun') {
    // With netem the region's egress delays its answers to the test process too.
    const local = await runIn<{ rtts: number[] }>(null, tcpClient(wan.addresses[1], 10, 0))
    t.comment(`test process to region 2: TCP connect ${min(local.rtts).toFixed(1)} ms at best`)
    t.ok(min(local.rtts) < delayMs, 'the test process reaches a region without the WAN delay')
  }
})

t.test('loss each way at about the configured fraction; jitter keeps the order', async (t) => {
  const loss = 0.1
  const delayMs = 20
  const jitterMs = 10
  const wan = await createWan(t, 2, { delayMs, jitterMs, loss, rate: '100mbit' })
  await startServer(t, wan.namespaces[1], wan.addresses[1])

  const count = 1000
  const { echoes, serverReceived } = await runIn<{ echoes: Array<{ seq: number, rtt: number }>, serverReceived: number }>(
    wan.namespaces[0], udpClient(wan.addresses[1], count, 2))
  const there = 1 - serverReceived / count
  const back = 1 - echoes.length / serverReceived
  const rtts = echoes.map((e) => e.rtt)
  t.comment(`${count} datagrams: ${(there * 100).toFixed(1)} % lost on the way, ${(back * 100).toFixed(1)} % on the way back; ` +
    `round trips ${min(rtts).toFixed(1)} to ${Math.max(...rtts).toFixed(1)} ms`)
  // 1000 and about 900 trials at 10 %: a standard deviation of about 1 point.
  t.ok(there > 0.05 && there < 0.15, 'loss on the way is about the configured fraction')
  t.ok(back > 0.05 && back < 0.15, 'loss on the way back is about the configured fraction')
  t.ok(min(rtts) >= 2 * (delayMs - jitterMs), 'no round trip is shorter than the delay less the jitter, twice')
  t.ok(Math.max(...rtts) - min(rtts) >= jitterMs, 'the round trips vary by the jitter')
  t.ok(echoes.every((e, i) => i === 0 || e.seq > echoes[i - 1].seq), 'datagrams arrive in the order they were sent')
})
