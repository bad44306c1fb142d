/**
 * Helpers for the replication tests: one pass of a background daemon on one node
 * (`ringstore <daemon> --config FILE --once`, its summary read from the 'pass complete' log
 * line), passes until the replicators are quiet, and direct looks at the storage nodes.
 */
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { request } from 'undici'
import { initHashing } from '../../src/common/hash.js'
import { loadRingFile, type Device, type Ring } from '../../src/ring/index.js'
import { prepareLayout, type LocalLayout } from '../../src/local/layout.js'
import { cliPath, freePort, spawnCli, tempDir, waitForHealthy, type Daemon, type Teardown } from '../helpers/process.js'

export interface PassLine {
  pushed?: number
  handoffs_removed?: number
  errors?: number
  quarantined?: number
  delivered?: number
  expired?: number
  bytes_pushed?: Record<string, number>
  [key: string]: unknown
}

/** Runs `ringstore <args>` to completion; resolves to its stdout. */
export async function runCli (args: string[]): Promise<string> {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`ringstore ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`)
  return out
}

/** Runs one pass of `daemon` with the node's config (optionally inside a network namespace). */
export async function runPass (daemon: string, config: string, netns?: string): Promise<PassLine> {
  const args = [cliPath, daemon, '--config', config, '--once']
  const [cmd, argv] = netns === undefined ? [process.execPath, args] : ['ip', ['netns', 'exec', netns, process.execPath, ...args]]
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  const line = out.split('\n').filter((l) => l.includes('"pass complete"')).pop()
  if (code !== 0 || line === undefined) throw new Error(`${daemon} --once (${config}) exited ${code}:\n${out.slice(-4000)}`)
  return JSON.parse(line) as PassLine
}

/** Replicator passes on every node until one round pushes and removes nothing; returns the rounds. */
export async function replicateUntilQuiet (configs: string[], maxRounds = 10, netns?: string[]): Promise<PassLine[][]> {
  const rounds: PassLine[][] = []
  for (let i = 0; i < maxRounds; i++) {
    const round = await Promise.all(configs.map(async (c, n) => await runPass('replicator', c, netns?.[n])))
    rounds.push(round)
    if (round.every((p) => (p.pushed ?? 0) === 0 && (p.handoffs_removed ?? 0) === 0 && (p.errors ?? 0) === 0)) return rounds
  }
  throw new Error(`replicators still busy after ${maxRounds} rounds: ${JSON.stringify(rounds[rounds.length - 1])}`)
}

/** A ring of the cluster whose config is `config`, for direct lookups. */
export async function clusterRing (config: string, name: string): Promise<Ring> {
  const conf = JSON.parse(await readFile(config, 'utf8')) as { cluster: { ring_dir: string, hash_path_prefix?: string, hash_path_suffix?: string } }
  await initHashing()
  // As the daemons read it: a secret left out of the file is empty.
  const secrets = { prefix: conf.cluster.hash_path_prefix ?? '', suffix: conf.cluster.hash_path_suffix ?? '' }
  return await loadRingFile(join(conf.cluster.ring_dir, `${name}.ring.gz`), secrets)
}

export interface Direct { status: number, headers: Record<string, string>, body: Buffer }

/** A request straight to a storage node's objectd. */
export async function direct (d: Device, method: 'GET' | 'HEAD', path: string, headers: Record<string, string> = {}): Promise<Direct> {
  const res = await request(`http://${d.ip}:${d.port}/${d.device}${path}`, { method, headers })
  const body = Buffer.from(await res.body.arrayBuffer())
  const flat: Record<string, string> = {}
  for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') flat[k] = v
  return { status: res.statusCode, headers: flat, body }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function inParallel<T> (items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++
      await fn(items[i], i)
    }
  }))
}

export interface Writer {
  /** PUT (body) or DELETE (null) of `container/name` in AUTH_test, as a proxy would; returns the timestamp. */
  write: (container: string, name: string, body: string | Buffer | null) => Promise<string>
  /** Creates the container on its primaries. */
  createContainer: (container: string) => Promise<void>
}

/**
 * Writes straight to the storage nodes the way the proxy does (one timestamp per write, every
 * primary, a handoff in place of a primary that is down, the listing update to the container
 * replica of the same index), so these tests exercise replication without depending on the proxy.
 * `down(d)` says which devices are unreachable; `primariesOnly` lists the devices taking writes.
 */
export function directWriter (objectRing: Ring, containerRing: Ring, down: (d: Device) => boolean,
  place?: (part: number, primaries: Device[]) => Device[]): Writer {
  let last = 0
  const timestamp = (): string => {
    last = Math.max(last + 1, Math.floor(Date.now() * 100))
    return (last / 100000).toFixed(5)
  }
  const send = async (d: Device, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<number> => {
    const res = await request(`http://${d.ip}:${d.port}/${d.device}${path}`, { method: method as 'PUT', headers, body })
    await res.body.dump()
    return res.statusCode
  }
  const targets = (ring: Ring, part: number, primaries: Device[]): Device[] => {
    const handoffs = [...ring.getMoreNodes(part)].filter((d) => !down(d))
    return primaries.map((p) => (down(p) ? handoffs.shift() : p)).filter((d): d is Device => d !== undefined)
  }
  return {
    createContainer: async (container) => {
      const { part, nodes } = containerRing.getNodes('AUTH_test', container)
      const ts = timestamp()
      for (const d of targets(containerRing, part, nodes)) {
        const status = await send(d, 'PUT', `/${part}/AUTH_test/${container}`, { 'x-timestamp': ts })
        if (status !== 201 && status !== 202) throw new Error(`container PUT on ${d.port}/${d.device}: ${status}`)
      }
    },
    write: async (container, name, body) => {
      const { part, nodes } = objectRing.getNodes('AUTH_test', container, name)
      const c = containerRing.getNodes('AUTH_test', container)
      const ts = timestamp()
      const chosen = place?.(part, nodes) ?? targets(objectRing, part, nodes)
      const statuses = await Promise.all(chosen.map(async (d, i) => {
        const cnode = c.nodes[i % c.nodes.length]
        const headers = {
          'x-timestamp': ts,
          'x-container-host': `${cnode.ip}:${cnode.port}`,
          'x-container-device': cnode.device,
          'x-container-partition': String(c.part)
        }
        return await send(d, body === null ? 'DELETE' : 'PUT', `/${part}/AUTH_test/${container}/${encodeURIComponent(name)}`, headers, body ?? undefined)
      }))
      const ok = statuses.filter((s) => s === 201 || s === 204).length
      if (ok < 2) throw new Error(`${body === null ? 'DELETE' : 'PUT'} ${name}: ${statuses.join(',')}`)
      return ts
    }
  }
}

export interface StorageNodes {
  layout: LocalLayout
  configs: string[]
  stopNode: (i: number) => Promise<void>
  startNode: (i: number) => Promise<void>
}

/**
 * The storage nodes of the local cluster layout (four objectd in 2 regions x 2 zones), without a
 * proxy: replication is between storage nodes, and the writers above stand in for the proxy.
 */
export async function startStorageNodes (t: Teardown, partPower: number, overrides: Record<string, Record<string, unknown>> = {}): Promise<StorageNodes> {
  const dir = await tempDir(t, 'ringstore-repl-')
  const nodePorts = [await freePort(), await freePort(), await freePort(), await freePort()]
  const layout = await prepareLayout({
    dataDir: join(dir, 'data'), proxyPort: await freePort(), nodePorts, partPower,
    overrides: { ...overrides, objectd: { log_level: 'warn', ...overrides.objectd } }
  })
  const daemons: Array<Daemon | undefined> = []
  const startNode = async (i: number): Promise<void> => {
    const node = layout.nodes[i]
    daemons[i] = spawnCli(t, ['objectd', '--config', node.config])
    // Generous: CI machines run many test files at once.
    await waitForHealthy(`http://127.0.0.1:${node.port}/healthcheck`, daemons[i], 60_000)
  }
  await Promise.all(layout.nodes.map(async (_n, i) => { await startNode(i) }))
  return {
    layout,
    configs: layout.nodes.map((n) => n.config),
    startNode,
    stopNode: async (i) => {
      await daemons[i]?.kill('SIGKILL')
      daemons[i] = undefined
    }
  }
}
