/**
 * `ringstore objectd --config FILE`: the storage node daemon. Wires the modules together, opens
 * every device, serves the internal API (docs/internal-api.md), and on SIGTERM/SIGINT stops
 * accepting, finishes what is in flight and closes each LevelDB cleanly.
 */
import { parseArgs } from 'node:util'
import { Agent } from 'undici'
import { readClusterSection, readConfigFile, ConfigError } from '../common/config.js'
import { initHashing } from '../common/hash.js'
import { createLogger } from '../common/logger.js'
import { AccountDb } from './account-db.js'
import { AccountReporter } from './account-reporter.js'
import { AsyncPendings } from './async-pending.js'
import { readObjectdSection } from './config.js'
import { ContainerDb } from './container-db.js'
import { DeviceSet } from './device.js'
import { Housekeeping } from './housekeeping.js'
import { createMetrics } from './metrics.js'
import { ObjectStore } from './object-store.js'
import { PageCache } from './page-cache.js'
import { Recon } from './recon.js'
import { registerReconMetrics } from './recon-metrics.js'
import { RingVersions } from './ring-versions.js'
import { createObjectdServer } from './server.js'
import type { Services } from './services.js'
import { UpdateSender } from './update-sender.js'

export async function main (argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } } })
  if (values.config === undefined) throw new ConfigError('objectd needs --config FILE')
  const raw = await readConfigFile(values.config)
  const cluster = readClusterSection(raw.cluster)
  const conf = readObjectdSection(raw.objectd)
  await initHashing()
  const log = createLogger('objectd', conf.log_level)
  const metrics = createMetrics()
  const secrets = { prefix: cluster.hash_path_prefix, suffix: cluster.hash_path_suffix }

  const devices = new DeviceSet(conf.devices, {
    onBatch: (txns, _ops, seconds) => {
      metrics.batches.inc()
      metrics.batchTxns.observe(txns)
      metrics.batchSeconds.observe(seconds)
    }
  }, log, { cacheSize: conf.leveldb_cache_size, writeBufferSize: conf.leveldb_write_buffer_size })
  const ringVersions = new RingVersions(cluster)
  const recon = new Recon(devices, conf.recon_cache_path, ringVersions)
  registerReconMetrics(metrics.registry, recon, ringVersions)
  const agent = new Agent({ connect: { timeout: conf.conn_timeout * 1000 }, keepAliveTimeout: 30000 })
  const pendings = new AsyncPendings(devices, agent, conf.node_timeout * 1000, log, {
    onCountChange: (delta) => { metrics.asyncPending.inc(delta); recon.addAsyncPending(delta) },
    onRetryPass: (summary) => { void recon.report('objectd-async-pending', summary).catch(() => {}) }
  })
  const sender = new UpdateSender(pendings, {
    onBatch: (rows, delivered) => {
      metrics.updateBatches.labels(delivered ? 'delivered' : 'kept').inc()
      metrics.updateRows.inc(rows)
    },
    onLost: (err, update) => { log.error({ err, host: update.host, path: update.path }, 'listing update lost: neither delivered nor kept') }
  })
  const reporter = new AccountReporter(() => containers, sender, conf.account_update_delay_ms, log)
  const containers = new ContainerDb(secrets, (ref) => { reporter.schedule(ref) })
  const pageCache = new PageCache(conf.keep_cache_size, log)
  const dataHooks = {
    onFsync: (seconds: number) => { metrics.fsyncs.observe(seconds) },
    onPlaced: (path: string, size: number) => { pageCache.release(path, size) }
  }
  const s: Services = {
    conf, policies: new Set(cluster.policies.map((p) => p.index)), devices,
    objects: new ObjectStore(secrets, dataHooks), containers, accounts: new AccountDb(secrets), reporter,
    sender, pendings, recon, metrics, dataHooks, pageCache, log
  }

  await recon.load()
  for (const name of await devices.listNames()) {
    const device = await devices.get(name)
    const n = await pendings.count(device)
    metrics.asyncPending.inc(n)
    recon.addAsyncPending(n)
  }
  const housekeeping = new Housekeeping(s)
  housekeeping.start(conf.housekeeping_interval)
  pendings.start(conf.async_retry_interval)

  const server = createObjectdServer(s)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(conf.bind_port, conf.bind_ip, resolve)
  })
  log.info({ bind: `${conf.bind_ip}:${conf.bind_port}`, devices: conf.devices }, 'objectd listening')

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping')
    housekeeping.stop()
    pendings.stop()
    // Requests in flight (a PUT being written) finish before LevelDB closes; past the timeout
    // they are cut, and their writes are not acknowledged.
    const closed = new Promise<void>((resolve) => { server.close(() => { resolve() }) })
    server.closeIdleConnections()
    const force = setTimeout(() => { server.closeAllConnections() }, conf.shutdown_timeout * 1000)
    void (async () => {
      await closed
      clearTimeout(force)
      await reporter.flushAll()
      await devices.closeAll()
      await agent.close()
      log.info('stopped')
      process.exit(0)
    })().catch((err: unknown) => {
      log.error({ err }, 'unclean stop')
      process.exit(1)
    })
  }
  process.once('SIGTERM', () => { stop('SIGTERM') })
  process.once('SIGINT', () => { stop('SIGINT') })
}
