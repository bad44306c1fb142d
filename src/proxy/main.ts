/** `ringstore proxy --config FILE`: the stateless front end. */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import {
  Authenticator, FailureLimiter, KeystoneAuth, readAuthSection, readKeystoneSection, TempAuth, TokenRevocations, type AccountMetaStore
} from '../auth/index.js'
import { objectRingName, readClusterSection, readConfigFile } from '../common/config.js'
import { initHashing } from '../common/hash.js'
import { createLogger } from '../common/logger.js'
import { registerRingVersions } from '../common/ring-version-metric.js'
import { BackendClient } from './backend/client.js'
import { readProxySection } from './config.js'
import { Rings } from './core/rings.js'
import { ObjectStore } from './core/store.js'
import { createProxyMetrics } from './metrics.js'
import { buildProxy } from './server.js'
import { stopOnSignals } from './shutdown.js'
import { WorkerPool, isForkedWorker, receiveListener, workerMetrics } from './workers.js'

/** Token revocations live in account sysmeta, read and written through the core. */
function accountMetaStore (store: ObjectStore): AccountMetaStore {
  return {
    meta: async (account) => (await store.accounts.info(account)).meta,
    update: async (account, headers) => {
      await store.accounts.ensure(account)
      const result = await store.accounts.write(account, 'POST', headers)
      if (result.status >= 300) throw new Error(`updating account ${account} failed with status ${result.status}`)
    }
  }
}

export async function main (argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } } })
  if (values.config === undefined) throw new Error('usage: ringstore proxy --config FILE')
  const raw = await readConfigFile(values.config)
  const cluster = readClusterSection(raw.cluster)
  const conf = readProxySection(raw.proxy)
  const authConf = readAuthSection(raw.auth)
  const keystoneConf = readKeystoneSection(raw.keystone)
  const logger = createLogger('proxy', conf.log_level)
  await initHashing()
  const rings = await Rings.open(cluster)
  const metrics = createProxyMetrics()
  registerRingVersions(metrics.registry, () => Object.fromEntries([
    ['account', rings.account.version],
    ['container', rings.container.version],
    ...cluster.policies.map((p) => [objectRingName(p.index), rings.object(p)?.version ?? 'none'])
  ]))
  const client = new BackendClient({
    connTimeoutMs: conf.conn_timeout * 1000,
    nodeTimeoutMs: conf.node_timeout * 1000,
    errorLimit: conf.error_suppression_limit,
    errorIntervalMs: conf.error_suppression_interval * 1000,
    onError: (node, kind) => { metrics.backendErrors.labels(node, kind).inc() }
  })
  const writeAffinity = /^r(\d+)$/.exec(conf.write_affinity)
  const store = new ObjectStore(rings, client, {
    policies: cluster.policies,
    locality: { region: conf.region, zone: conf.zone, sorting: conf.sorting_method },
    putReplayBytes: conf.put_replay_bytes,
    infoCacheTtlMs: conf.info_cache_ttl * 1000,
    verifyGetEtag: conf.verify_get_etag,
    writeAffinityRegion: writeAffinity === null ? undefined : Number(writeAffinity[1])
  }, logger)
  const tls = conf.tls_cert !== '' && conf.tls_key !== ''
    ? { cert: await readFile(conf.tls_cert, 'utf8'), key: await readFile(conf.tls_key, 'utf8') }
    : undefined
  const auth = new Authenticator({
    tempauth: authConf.tempauth ? new TempAuth(authConf) : undefined,
    keystone: keystoneConf.enabled ? new KeystoneAuth(keystoneConf) : undefined,
    revocations: new TokenRevocations(accountMetaStore(store))
  })
  const forked = isForkedWorker()
  const pool = new WorkerPool(metrics.registry, logger)
  const app = buildProxy({
    store,
    auth,
    failedAuth: new FailureLimiter(authConf.failed_auth_burst, authConf.failed_auth_per_second),
    audit: authConf.audit_log ? createLogger('proxy', 'info').child({ log: 'audit' }) : undefined,
    policies: cluster.policies,
    swiftFeatures: conf,
    s3: { region: conf.s3_region, strictRegion: conf.s3_strict_region, domain: conf.s3_domain },
    clientTimeoutMs: conf.client_timeout * 1000,
    logger,
    metrics,
    scrape: forked ? workerMetrics(metrics.registry) : conf.workers > 1 ? async () => await pool.scrape() : undefined,
    tls
  })
  const release = async (): Promise<void> => {
    rings.close()
    await client.close()
  }
  const timeoutMs = conf.shutdown_timeout * 1000
  if (forked) {
    const listener = await receiveListener()
    await app.ready()
    await new Promise<void>((resolve) => { app.server.listen(listener, resolve) })
    stopOnSignals(app, { timeoutMs, logger, release, forked: true })
    return
  }
  await app.listen({ host: conf.bind_ip, port: conf.bind_port })
  logger.info({ address: `${conf.bind_ip}:${conf.bind_port}`, workers: conf.workers }, 'proxy listening')
  pool.start(app.server, conf.workers - 1)
  stopOnSignals(app, { timeoutMs, logger, release, alongside: async () => { await pool.stop() } })
}
