/**
 * Replication after a one-node outage: one storage node of the local layout (2 regions x 2
 * zones, 3 replicas) is down while N objects (default 10,000) are written; it comes back, and
 * the replicators run passes until quiet. Measured for the gateway design and for the naive
 * every-primary-to-every-primary mode, each on a fresh cluster: the time to converge and the
 * bytes sent between regions (object bodies pushed plus hash and entry listings), per object.
 *
 *   node dist/bench/replication.js [--objects N] [--size BYTES]
 */
import { parseArgs } from 'node:util'
import { randomBytes } from 'node:crypto'
import { clusterRing, directWriter, inParallel, replicateUntilQuiet, runPass, startStorageNodes, type PassLine } from '../test/replicator/helpers.js'

interface Result { mode: string, seconds: number, rounds: number, wanBytes: number, wanPayload: number }

function crossRegion (line: PassLine, key: 'bytes_pushed' | 'protocol_bytes', ownRegion: number): number {
  const perRegion = (line[key] ?? {}) as Record<string, number>
  return Object.entries(perRegion).filter(([r]) => Number(r) !== ownRegion).reduce((n, [, b]) => n + b, 0)
}

async function run (naive: boolean, objects: number, size: number): Promise<Result> {
  const teardowns: Array<() => unknown> = []
  try {
    const nodes = await startStorageNodes({ teardown: (fn) => teardowns.push(fn) }, 8, { replicator: { naive, log_level: 'info' } })
    const ring = await clusterRing(nodes.configs[0], 'object')
    const downPort = nodes.layout.nodes[3].port
    const writer = directWriter(ring, await clusterRing(nodes.configs[0], 'container'), (d) => d.port === downPort)
    await writer.createContainer('bench')
    await nodes.stopNode(3)
    const body = randomBytes(size)
    await inParallel(Array.from({ length: objects }, (_v, i) => `o${i}`), 32, async (name) => { await writer.write('bench', name, body) })
    await nodes.startNode(3)
    const started = Date.now()
    await Promise.all(nodes.configs.map(async (c) => await runPass('updater', c)))
    const rounds = await replicateUntilQuiet(nodes.configs, 20)
    const seconds = (Date.now() - started) / 1000
    let wanBytes = 0
    let wanPayload = 0
    for (const round of rounds) {
      round.forEach((line, i) => {
        const region = nodes.layout.nodes[i].region
        wanPayload += crossRegion(line, 'bytes_pushed', region)
        wanBytes += crossRegion(line, 'bytes_pushed', region) + crossRegion(line, 'protocol_bytes', region)
      })
    }
    return { mode: naive ? 'naive' : 'gateway', seconds, rounds: rounds.length, wanBytes, wanPayload }
  } finally {
    for (const fn of teardowns.reverse()) await fn()
  }
}

const { values } = parseArgs({ options: { objects: { type: 'string' }, size: { type: 'string' } } })
const objects = Number(values.objects ?? 10000)
const size = Number(values.size ?? 4096)
for (const naive of [false, true]) {
  const r = await run(naive, objects, size)
  process.stdout.write(`${r.mode.padEnd(8)} ${objects} objects of ${size} B: converged in ${r.seconds.toFixed(1)} s (${r.rounds} rounds); ` +
    `across regions ${(r.wanBytes / 1e6).toFixed(2)} MB (${(r.wanBytes / objects).toFixed(0)} B per object, payload ${(r.wanPayload / objects).toFixed(0)} B)\n`)
}
