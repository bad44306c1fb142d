/**
 * The replicator's pass: every partition held on this node's devices, for every role (objects
 * of each policy, containers, accounts), is synced with the peers peers.ts picks. Primaries keep
 * their region in sync and their region's gateway syncs with the other regions' gateways;
 * handoff partitions are pushed home and removed once every primary holds all they hold.
 *
 * Work runs on two p-queues, one for peers in this node's region and one for peers in other
 * regions, each with its own concurrency; pushes to a remote region also share that region's
 * token bucket (remote_bandwidth bytes/s). A failure stays inside its partition's job.
 */
import PQueue from 'p-queue'
import { normalizeTimestamp } from '../common/timestamp.js'
import type { Logger } from '../common/logger.js'
import type { Device } from '../ring/index.js'
import type { NodeConfig } from './common/config.js'
import type { PassSummary, Worker } from './common/daemon.js'
import { localDevice, localDeviceNames, refreshRings, roleHeaders, type RoleRing } from './common/local-node.js'
import type { createReplicatorMetrics, PassMetrics } from './common/metrics.js'
import { TokenBucket } from './common/throttle.js'
import { gatewayOrder, planHandoff, regionsOf, sameDevice } from './peers.js'
import { replicationAddress, type NodeAddress, type NodeClient } from './common/node-client.js'
import { syncPeer, type Digests, type Hashes, type PeerResult, type SyncDeps, type SyncJob } from './sync-peer.js'
import { PassTally } from './tally.js'

export interface ReplicatorDeps {
  conf: NodeConfig<'replicator'>
  rings: RoleRing[]
  client: NodeClient
  log: Logger
  pass: PassMetrics
  metrics: ReturnType<typeof createReplicatorMetrics>
}

export class Replicator implements Worker {
  private readonly local: NodeAddress
  private readonly localQueue: PQueue
  private readonly remoteQueue: PQueue
  private readonly buckets = new Map<number, TokenBucket>()
  private stopped = false

  constructor (private readonly d: ReplicatorDeps) {
    this.local = { ip: d.conf.objectd.bind_ip, port: d.conf.objectd.bind_port }
    this.localQueue = new PQueue({ concurrency: d.conf.daemon.concurrency_local })
    this.remoteQueue = new PQueue({ concurrency: d.conf.daemon.concurrency_remote })
  }

  /** Queued work finds the flag and returns at once, so the pass ends soon and cleanly. */
  stop (): void {
    this.stopped = true
  }

  async runOnce (): Promise<PassSummary> {
    const tally = new PassTally(this.d.metrics, this.d.pass)
    await refreshRings(this.d.rings)
    const deps: SyncDeps = {
      client: this.d.client, local: this.local, log: this.d.log, tally,
      reclaimCutoff: normalizeTimestamp(Math.max(0, Date.now() / 1000 - this.d.conf.objectd.reclaim_age)),
      bucketFor: (region) => this.bucketFor(region),
      peerDigests: this.digestsOncePerPass(tally)
    }
    // Partition jobs wait on the peer queues, so they get their own bound to keep memory flat.
    const jobs = new PQueue({ concurrency: this.d.conf.daemon.concurrency_local + this.d.conf.daemon.concurrency_remote })
    const regions = new Set<number>()
    for (const rr of this.d.rings) {
      for (const d of rr.ring.devices) regions.add(d.region)
      for (const name of await localDeviceNames(rr.ring, this.local.ip, this.local.port, this.d.conf.objectd.devices)) {
        if (this.stopped) break
        const me = localDevice(rr.ring, name, this.local.ip, this.local.port)
        for (const [part, digest] of Object.entries(await this.localDigests(rr, name, tally))) {
          void jobs.add(async () => { if (!this.stopped) await this.replicatePartition(deps, rr, me, Number(part), digest) })
        }
      }
    }
    await jobs.onIdle()
    const lag = tally.publishLag(regions, Date.now() / 1000)
    return {
      partitions: tally.partitions,
      suffixes_synced: tally.suffixes,
      pushed: tally.totalPushed(),
      objects_pushed: tally.objects,
      bytes_pushed: tally.bytes,
      protocol_bytes: tally.protocol,
      handoffs_removed: tally.handoffsRemoved,
      errors: tally.errors,
      lag_seconds: lag,
      mode: this.d.conf.daemon.naive ? 'naive' : 'gateway'
    }
  }

  private bucketFor (region: number): TokenBucket | undefined {
    const rate = this.d.conf.daemon.remote_bandwidth
    if (rate <= 0) return undefined
    let bucket = this.buckets.get(region)
    if (bucket === undefined) {
      bucket = new TokenBucket(rate)
      this.buckets.set(region, bucket)
    }
    return bucket
  }

  /** The local device's partitions of a role, each with its digest. */
  private async localDigests (rr: RoleRing, device: string, tally: PassTally): Promise<Digests> {
    try {
      const path = `/${encodeURIComponent(device)}?digests&role=${rr.role}`
      return (await this.d.client.json<Digests>(this.local, 'GET', path, roleHeaders(rr))).value
    } catch (err) {
      tally.error('list-partitions')
      this.d.log.warn({ err, device, role: rr.label }, 'cannot list the local partitions of a device')
      return {}
    }
  }

  /**
   * Each peer device's digests are asked for once per pass and role, by the first partition job
   * that needs them. A peer that does not answer gets undefined: its jobs fall back on asking
   * for each partition's hashes, and count their own errors.
   */
  private digestsOncePerPass (tally: PassTally): SyncDeps['peerDigests'] {
    const asked = new Map<string, Promise<Digests | undefined>>()
    return async (peer, rr) => {
      const key = `${rr.label} ${peer.replicationIp}:${peer.replicationPort}/${peer.device}`
      let answer = asked.get(key)
      if (answer === undefined) {
        const path = `/${encodeURIComponent(peer.device)}?digests&role=${rr.role}`
        answer = this.d.client.json<Digests>(replicationAddress(peer), 'GET', path, roleHeaders(rr)).then((a) => {
          tally.protocolBytes(String(peer.region), a.bytes)
          return a.value
        }, () => undefined)
        asked.set(key, answer)
      }
      return await answer
    }
  }

  private async localHashes (rr: RoleRing, device: string, part: number): Promise<Hashes> {
    const path = `/${encodeURIComponent(device)}/${part}?hashes&role=${rr.role}`
    return (await this.d.client.json<Hashes>(this.local, 'GET', path, roleHeaders(rr))).value
  }

  private async replicatePartition (deps: SyncDeps, rr: RoleRing, me: Device, part: number, digest: string): Promise<void> {
    try {
      deps.tally.partition(rr.label)
      const primaries = rr.ring.getPartNodes(part)
      let hashes: Promise<Hashes> | undefined
      const job: SyncJob = { rr, me, part, digest, hashes: async () => await (hashes ??= this.localHashes(rr, me.device, part)) }
      if (primaries.some((p) => sameDevice(p, me))) await this.syncPrimary(deps, job, primaries)
      else await this.revertHandoff(deps, job, primaries)
    } catch (err) {
      deps.tally.error('partition')
      this.d.log.warn({ err, device: me.device, part, role: rr.label }, 'partition job failed')
    }
  }

  private async sync (deps: SyncDeps, job: SyncJob, peer: Device, mode: 'push' | 'check'): Promise<PeerResult> {
    const queue = peer.region === job.me.region ? this.localQueue : this.remoteQueue
    const skipped: PeerResult = { reachable: false, complete: false }
    return await queue.add(async () => this.stopped ? skipped : await syncPeer(deps, job, peer, mode)) ?? skipped
  }

  private async syncPrimary (deps: SyncDeps, job: SyncJob, primaries: Device[]): Promise<void> {
    const others = primaries.filter((p) => !sameDevice(p, job.me))
    if (this.d.conf.daemon.naive) {
      await Promise.all(others.map(async (p) => await this.sync(deps, job, p, 'push')))
      return
    }
    const unreachable = new Set<Device>()
    await Promise.all(others.filter((p) => p.region === job.me.region).map(async (p) => {
      if (!(await this.sync(deps, job, p, 'push')).reachable) unreachable.add(p)
    }))
    const myGateway = gatewayOrder(primaries, job.me.region, unreachable)[0]
    if (myGateway === undefined || !sameDevice(myGateway, job.me)) return
    for (const region of regionsOf(primaries).filter((r) => r !== job.me.region)) {
      for (const gateway of gatewayOrder(primaries, region, new Set())) {
        if ((await this.sync(deps, job, gateway, 'push')).reachable) break
      }
    }
  }

  private async revertHandoff (deps: SyncDeps, job: SyncJob, primaries: Device[]): Promise<void> {
    const plan = planHandoff(job.me, primaries, this.d.conf.daemon.naive)
    const before = await job.hashes()
    const results = await Promise.all([
      ...plan.push.map(async (p) => await this.sync(deps, job, p, 'push')),
      ...plan.check.map(async (p) => await this.sync(deps, job, p, 'check'))
    ])
    if (!results.every((r) => r.complete)) return
    // A write that landed here during the sync would be lost with the partition: only drop it unchanged.
    const now = await this.localHashes(job.rr, job.me.device, job.part)
    if (JSON.stringify(now) !== JSON.stringify(before)) return
    const path = `/${encodeURIComponent(job.me.device)}/${job.part}?role=${job.rr.role}`
    const status = await this.d.client.send(this.local, 'DELETE', path, { ...roleHeaders(job.rr), 'x-backend-replication': 'true' })
    if (status !== 204) throw new Error(`dropping handoff partition ${job.part} of ${job.me.device}: local objectd answered ${status}`)
    deps.tally.handoffRemoved(job.rr.label)
    this.d.log.info({ device: job.me.device, part: job.part, role: job.rr.label }, 'handoff partition removed')
  }
}
