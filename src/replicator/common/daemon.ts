/**
 * The shape every background daemon shares: read the node's config, then run passes, one
 * every `interval` seconds (or exactly one with `--once`, for tests and operators), each ending
 * with one summary log line, the pass metrics and a report to the local objectd's /recon.
 * /metrics and /healthcheck are served while the daemon runs. A pass that throws is logged and
 * counted; it never stops the daemon.
 *
 *   ringstore <daemon> --config FILE [--config FILE ...] [--once]
 *
 * Several daemons can share one process (`ringstore background`, background.ts), and so can the
 * daemons of several nodes (one --config per node; `ringstore local` runs its four nodes so):
 * each daemon keeps its own section, interval, logger (its lines carry `daemon` and `node`, the
 * node's objectd address), metrics and listener, and they share what a process needs once: the
 * rings (one copy per cluster), the hasher and the process metrics (process_*, nodejs_*, on the
 * first daemon's registry).
 */
import { createServer, type Server } from 'node:http'
import { parseArgs } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { ConfigError, type ClusterConfig } from '../../common/config.js'
import { initHashing } from '../../common/hash.js'
import { createLogger, type Logger } from '../../common/logger.js'
import { openRoleRings, type RoleRing } from './local-node.js'
import { createPassMetrics, type PassMetrics } from './metrics.js'
import { NodeClient } from './node-client.js'
import { readNodeConfig, type DaemonName, type NodeConfig } from './config.js'

export type PassSummary = Record<string, number | string | Record<string, number>>

export interface Worker {
  /** One pass over every local device; returns its summary. */
  runOnce: () => Promise<PassSummary>
  /** Asks a running pass to finish early. */
  stop?: () => void
}

export interface DaemonDeps<N extends DaemonName> {
  conf: NodeConfig<N>
  log: Logger
  metrics: PassMetrics
  client: NodeClient
  /** Every role's ring, opened once per process and refreshed by whoever passes first. */
  rings: RoleRing[]
}

export type BuildWorker<N extends DaemonName> = (deps: DaemonDeps<N>) => Worker | Promise<Worker>

/** A daemon to run: its name (its config section) and how its worker is wired. */
export interface DaemonSpec {
  name: DaemonName
  start: (conf: NodeConfig<DaemonName>, shared: SharedState) => Promise<NodeDaemon>
}

/** What the daemons of one process share. */
export interface SharedState {
  rings: RoleRing[]
  /** Whether this daemon's registry carries the process metrics (only one per process does). */
  processMetrics: boolean
}

/** Names a daemon and its wiring, keeping the section's type between the two. */
export function daemonSpec<N extends DaemonName> (name: N, build: BuildWorker<N>): DaemonSpec {
  // runDaemons read `conf` as section `name`, so it has that section's type.
  return { name, start: async (conf, shared) => await NodeDaemon.start(name, conf as NodeConfig<N>, build, shared) }
}

async function serveMetrics (metrics: PassMetrics, ip: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/healthcheck') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK')
      return
    }
    if (req.url === '/metrics') {
      metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text)
      }, (err: Error) => { res.writeHead(500).end(err.message) })
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, ip, resolve)
  })
  return server
}

/** One daemon of a node: its config section, logger, metrics and client, and its worker. */
export class NodeDaemon {
  private stopping = false
  private readonly idle = new AbortController()
  private server: Server | undefined

  private constructor (readonly name: DaemonName, private readonly conf: NodeConfig<DaemonName>, private readonly log: Logger,
    private readonly metrics: PassMetrics, private readonly client: NodeClient, private readonly worker: Worker) {}

  static async start<N extends DaemonName> (name: N, conf: NodeConfig<N>, build: BuildWorker<N>, shared: SharedState): Promise<NodeDaemon> {
    // One process may run several nodes' daemons into one log: each line names its node.
    const log = createLogger(name, conf.daemon.log_level).child({ node: `${conf.objectd.bind_ip}:${conf.objectd.bind_port}` })
    const metrics = createPassMetrics(name, shared.processMetrics)
    const client = new NodeClient(conf.daemon.conn_timeout, conf.daemon.node_timeout)
    const worker = await build({ conf, log, metrics, client, rings: shared.rings })
    return new NodeDaemon(name, conf, log, metrics, client, worker)
  }

  /** One pass, reported to the local objectd's /recon with `extra`. */
  async pass (extra: Record<string, unknown> = {}): Promise<void> {
    const started = Date.now()
    try {
      const summary = await this.worker.runOnce()
      const seconds = (Date.now() - started) / 1000
      this.metrics.passes.inc()
      this.metrics.passSeconds.set(seconds)
      this.log.info({ ...summary, seconds }, 'pass complete')
      const report = { ...summary, ...extra, started: started / 1000, finished: Date.now() / 1000 }
      const local = { ip: this.conf.objectd.bind_ip, port: this.conf.objectd.bind_port }
      await this.client.send(local, 'PUT', `/recon/${this.name}`, { 'content-type': 'application/json' }, JSON.stringify(report))
        .catch((err: unknown) => { this.log.warn({ err }, 'cannot report the pass to the local objectd') })
    } catch (err) {
      this.metrics.errors.labels('pass').inc()
      this.log.error({ err }, 'pass failed')
    }
  }

  /** Serves /metrics and runs passes every `interval` seconds until stop(). */
  async run (): Promise<void> {
    this.server = await serveMetrics(this.metrics, this.conf.daemon.bind_ip, this.conf.daemon.bind_port)
    const address = this.server.address()
    const metricsUrl = typeof address === 'object' && address !== null ? `http://${address.address}:${address.port}/metrics` : ''
    this.log.info({ metrics: metricsUrl }, `${this.name} running`)
    // A stop that came while the listener was opening.
    if (this.stopping) this.server.close()
    while (!this.stopping) {
      const started = Date.now()
      await this.pass({ metrics_url: metricsUrl })
      const wait = this.conf.daemon.interval * 1000 - (Date.now() - started)
      if (wait > 0 && !this.stopping) await sleep(wait, undefined, { signal: this.idle.signal }).catch(() => {})
    }
    await this.close()
  }

  stop (): void {
    this.stopping = true
    this.idle.abort()
    this.worker.stop?.()
    this.server?.close()
  }

  async close (): Promise<void> {
    await this.client.close()
  }
}

/**
 * Reads every section the daemons need from one node's config file. A section's error names
 * the key; this adds the file, which tells which node is wrong when several are given.
 */
async function readNodeConfigs (file: string, specs: DaemonSpec[]): Promise<Array<NodeConfig<DaemonName>>> {
  try {
    return await Promise.all(specs.map(async (s) => await readNodeConfig(file, s.name) as NodeConfig<DaemonName>))
  } catch (err) {
    if (!(err instanceof ConfigError) || err.message.includes(file)) throw err
    throw new ConfigError(`${file}: ${err.message}`)
  }
}

/**
 * Opens each cluster's rings once, for every node that names it. The whole cluster section is
 * the key, not only ring_dir: the hash secrets and the policies decide what the rings answer.
 */
function sharedRings (): (cluster: ClusterConfig) => Promise<RoleRing[]> {
  const opened = new Map<string, Promise<RoleRing[]>>()
  return async (cluster) => {
    const key = JSON.stringify(cluster)
    const rings = opened.get(key) ?? openRoleRings(cluster)
    opened.set(key, rings)
    return await rings
  }
}

/** Runs the named daemons of each given node in this process, from `--config FILE [--config FILE ...] [--once]`. */
export async function runDaemons (command: string, argv: string[], specs: DaemonSpec[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c', multiple: true }, once: { type: 'boolean' } } })
  const files = values.config ?? []
  if (files.length === 0) throw new ConfigError(`${command} needs --config FILE (one per node)`)
  if (new Set(files).size !== files.length) throw new ConfigError(`${command}: a --config file is given twice`)
  // Every section of every file is checked before any daemon starts, so a bad key stops the process at once.
  const nodes = await Promise.all(files.map(async (file) => await readNodeConfigs(file, specs)))
  await initHashing()
  const ringsOf = sharedRings()
  const daemons: NodeDaemon[] = []
  for (const confs of nodes) {
    const rings = await ringsOf(confs[0].cluster)
    for (const [i, spec] of specs.entries()) daemons.push(await spec.start(confs[i], { rings, processMetrics: daemons.length === 0 }))
  }

  if (values.once === true) {
    await Promise.all(daemons.map(async (d) => { await d.pass() }))
    await Promise.all(daemons.map(async (d) => { await d.close() }))
    return
  }
  const stop = (): void => { for (const d of daemons) d.stop() }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  await Promise.all(daemons.map(async (d) => { await d.run() }))
}

/** Runs one daemon in this process (`ringstore replicator --config FILE`, and the others). */
export async function runDaemon<N extends DaemonName> (name: N, argv: string[], build: BuildWorker<N>): Promise<void> {
  await runDaemons(name, argv, [daemonSpec(name, build)])
}
