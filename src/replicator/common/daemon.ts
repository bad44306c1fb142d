/**
 * The shape every background daemon shares: read the node's config, then run passes, one
 * every `interval` seconds (or exactly one with `--once`, for tests and operators), each ending
 * with one summary log line, the pass metrics and a report to the local objectd's /recon.
 * /metrics and /healthcheck are served while the daemon runs. A pass that throws is logged and
 * counted; it never stops the daemon.
 *
 *   ringstore <daemon> --config FILE [--once]
 */
import { createServer, type Server } from 'node:http'
import { parseArgs } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { ConfigError } from '../../common/config.js'
import { initHashing } from '../../common/hash.js'
import { createLogger, type Logger } from '../../common/logger.js'
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

/** Runs a daemon's passes; `build` wires its worker from the shared dependencies. */
export async function runDaemon<N extends DaemonName> (name: N, argv: string[],
  build: (deps: DaemonDeps<N>) => Worker | Promise<Worker>): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, once: { type: 'boolean' } } })
  if (values.config === undefined) throw new ConfigError(`${name} needs --config FILE`)
  const conf = await readNodeConfig(values.config, name)
  await initHashing()
  const log = createLogger(name, conf.daemon.log_level)
  const metrics = createPassMetrics(name)
  const client = new NodeClient(conf.daemon.conn_timeout, conf.daemon.node_timeout)
  const worker = await build({ conf, log, metrics, client })
  const local = { ip: conf.objectd.bind_ip, port: conf.objectd.bind_port }

  const pass = async (extra: Record<string, unknown>): Promise<void> => {
    const started = Date.now()
    try {
      const summary = await worker.runOnce()
      const seconds = (Date.now() - started) / 1000
      metrics.passes.inc()
      metrics.passSeconds.set(seconds)
      log.info({ ...summary, seconds }, 'pass complete')
      const report = { ...summary, ...extra, started: started / 1000, finished: Date.now() / 1000 }
      await client.send(local, 'PUT', `/recon/${name}`, { 'content-type': 'application/json' }, JSON.stringify(report))
        .catch((err: unknown) => { log.warn({ err }, 'cannot report the pass to the local objectd') })
    } catch (err) {
      metrics.errors.labels('pass').inc()
      log.error({ err }, 'pass failed')
    }
  }

  if (values.once === true) {
    await pass({})
    await client.close()
    return
  }
  const server = await serveMetrics(metrics, conf.daemon.bind_ip, conf.daemon.bind_port)
  const address = server.address()
  const metricsUrl = typeof address === 'object' && address !== null ? `http://${address.address}:${address.port}/metrics` : ''
  log.info({ metrics: metricsUrl }, `${name} running`)
  let stopping = false
  const idle = new AbortController()
  const stop = (): void => {
    stopping = true
    idle.abort()
    worker.stop?.()
    server.close()
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  while (!stopping) {
    const started = Date.now()
    await pass({ metrics_url: metricsUrl })
    const wait = conf.daemon.interval * 1000 - (Date.now() - started)
    if (wait > 0 && !stopping) await sleep(wait, undefined, { signal: idle.signal }).catch(() => {})
  }
  await client.close()
}
