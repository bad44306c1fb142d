/**
 * One partition replica against one peer: when the peer's partition digest (fetched once per
 * pass for all its partitions) equals this replica's, they are in sync and nothing more is
 * asked. Otherwise compare suffix hashes, and for each suffix that
 * differs exchange the (hash, timestamp, deleted) entries and push each entry the peer lacks or
 * holds older (for listing databases: holds with another digest). In `check` mode nothing is
 * pushed: the answer only says whether the peer already holds everything this replica holds.
 *
 * Failures stay inside: a request that fails ends this peer's sync for the pass and is counted;
 * the caller gets `reachable: false` when the peer could not even be asked.
 */
import type { Logger } from '../common/logger.js'
import type { SuffixEntry } from '../objectd/replicate-handlers.js'
import type { Device } from '../ring/index.js'
import { roleHeaders, type RoleRing } from './common/local-node.js'
import { replicationAddress, type NodeAddress, type NodeClient } from './common/node-client.js'
import type { TokenBucket } from './common/throttle.js'
import { databaseAhead, pushEntry } from './push.js'
import type { PassTally } from './tally.js'

export type Hashes = Record<string, string>

/** `{partition: digest}` of one device and role, as objectd's `?digests` answers. */
export type Digests = Record<string, string>

export interface SyncJob {
  rr: RoleRing
  me: Device
  part: number
  /** This replica's partition digest at the start of the pass. */
  digest: string
  /** This replica's suffix hashes, read the first time a peer differs. */
  hashes: () => Promise<Hashes>
}

export interface SyncDeps {
  client: NodeClient
  local: NodeAddress
  log: Logger
  tally: PassTally
  /** Tombstones older than this are being reclaimed: not worth pushing. */
  reclaimCutoff: string
  bucketFor: (region: number) => TokenBucket | undefined
  /** A peer device's digests for the role, fetched once per pass; undefined when it did not answer. */
  peerDigests: (peer: Device, rr: RoleRing) => Promise<Digests | undefined>
}

export interface PeerResult {
  /** The peer answered for its hashes. */
  reachable: boolean
  /** The peer holds (or now holds) everything this replica holds. */
  complete: boolean
}

function stale (mine: SuffixEntry, theirs: SuffixEntry | undefined, role: RoleRing['role']): boolean {
  if (theirs === undefined) return true
  if (role === 'object') return theirs.timestamp < mine.timestamp
  return theirs.digest !== mine.digest
}

export async function syncPeer (deps: SyncDeps, job: SyncJob, peer: Device, mode: 'push' | 'check'): Promise<PeerResult> {
  const { client, tally, log } = deps
  const { rr, me, part } = job
  const address = replicationAddress(peer)
  const query = `role=${rr.role}`
  const headers = roleHeaders(rr)
  const remote = peer.region !== me.region
  const region = String(peer.region)
  if ((await deps.peerDigests(peer, rr))?.[part] === job.digest) return { reachable: true, complete: true }
  let theirs: Hashes
  try {
    const answer = await client.json<Hashes>(address, 'GET', `/${encodeURIComponent(peer.device)}/${part}?hashes&${query}`, headers)
    theirs = answer.value
    tally.protocolBytes(region, answer.bytes)
  } catch (err) {
    tally.error('peer-hashes')
    log.warn({ err, peer: `${peer.replicationIp}:${peer.replicationPort}/${peer.device}`, part, role: rr.label }, 'peer did not answer for its hashes')
    return { reachable: false, complete: false }
  }
  const hashes = await job.hashes()
  const differing = Object.keys(hashes).filter((s) => theirs[s] !== hashes[s])
  let complete = true
  for (const suffix of differing) {
    try {
      const path = `/${encodeURIComponent(me.device)}/${part}?suffix=${suffix}&${query}`
      const peerPath = `/${encodeURIComponent(peer.device)}/${part}?suffix=${suffix}&${query}`
      const [mine, other] = await Promise.all([
        client.json<SuffixEntry[]>(deps.local, 'GET', path, headers),
        client.json<SuffixEntry[]>(address, 'GET', peerPath, headers)
      ])
      tally.protocolBytes(region, other.bytes)
      const byHash = new Map(other.value.map((e) => [e.hash, e]))
      const wanted = mine.value.filter((e) => stale(e, byHash.get(e.hash), rr.role) &&
        !(e.deleted && rr.role === 'object' && e.timestamp < deps.reclaimCutoff))
      if (wanted.length === 0) continue
      tally.suffixSynced(rr.label)
      const target = {
        client, local: deps.local, peer: address, device: me.device, peerDevice: peer.device, part, rr,
        bucket: remote ? deps.bucketFor(peer.region) : undefined,
        onBytes: (n: number) => { tally.bytesPushed(region, n) }
      }
      for (const e of wanted) {
        // A listing database with another digest may still hold nothing the peer lacks.
        if (rr.role !== 'object' && mode === 'check' && !await databaseAhead(target, e)) continue
        if (mode === 'check') {
          complete = false
          if (remote) tally.missingIn(region, e.timestamp)
          continue
        }
        const pushed = await pushEntry(target, e)
        if (pushed) tally.pushed(rr.label, region)
        if (pushed && remote) tally.missingIn(region, e.timestamp)
        log.debug({ peer: `${peer.replicationIp}:${peer.replicationPort}/${peer.device}`, part, role: rr.label, name: e.name, timestamp: e.timestamp, deleted: e.deleted, theirs: byHash.get(e.hash)?.timestamp, pushed }, 'entry pushed')
      }
    } catch (err) {
      complete = false
      tally.error('sync-suffix')
      log.warn({ err, peer: `${peer.replicationIp}:${peer.replicationPort}/${peer.device}`, part, suffix, role: rr.label }, 'suffix sync failed')
    }
  }
  return { reachable: true, complete }
}
