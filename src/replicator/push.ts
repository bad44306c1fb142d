/**
 * Pushing one entry to a peer, the way objectd takes replicated writes (X-Backend-Replication:
 * true: the stored metadata is taken as given, and no listing update is sent):
 * - an object: GET from the local objectd, streamed into a PUT on the peer with the original
 *   data timestamp, the POST timestamp and every stored header; the body passes the region's
 *   token bucket;
 * - a tombstone: DELETE at its timestamp;
 * - a container or account database: its info (PUT at the put timestamp, POSTs of metadata at
 *   their own timestamps, DELETE at the delete timestamp) and its rows (PATCH), all of which
 *   merge by timestamp on the peer, so pushing a database is idempotent in any order.
 * A 409 from the peer means it holds something newer: nothing to do.
 */
import { Readable } from 'node:stream'
import { storedObjectHeaders } from '../common/object-headers.js'
import type { SuffixEntry } from '../objectd/replicate-handlers.js'
import type { TimedMeta } from '../objectd/listing-meta.js'
import { namePath, NodeRequestError, type Headers, type NodeAddress, type NodeClient } from './common/node-client.js'
import { roleHeaders, type RoleRing } from './common/local-node.js'
import { throttled, type TokenBucket } from './common/throttle.js'

/** At most this many rows per PATCH (objectd's limit). */
const PATCH_ROWS = 10000

export interface PushTarget {
  client: NodeClient
  local: NodeAddress
  peer: NodeAddress
  device: string
  peerDevice: string
  part: number
  rr: RoleRing
  /** The peer region's bandwidth cap; undefined inside the region or when uncapped. */
  bucket?: TokenBucket
  /** Counts bytes sent to the peer. */
  onBytes: (n: number) => void
}

function accepted (status: number, ok: number[], what: string): void {
  if (!ok.includes(status) && status !== 409) throw new NodeRequestError(`${what}: peer answered ${status}`, status)
}

/** Pushes one entry; false when there was nothing to push after all (gone locally meanwhile). */
export async function pushEntry (t: PushTarget, e: SuffixEntry): Promise<boolean> {
  if (t.rr.role === 'object') return e.deleted ? await pushTombstone(t, e) : await pushObject(t, e)
  return await pushDatabase(t, e)
}

async function pushTombstone (t: PushTarget, e: SuffixEntry): Promise<boolean> {
  const headers = { ...roleHeaders(t.rr), 'x-timestamp': e.timestamp, 'x-backend-replication': 'true' }
  const status = await t.client.send(t.peer, 'DELETE', namePath(t.peerDevice, t.part, e.name), headers)
  accepted(status, [204, 404], `DELETE ${e.name}`)
  return true
}

async function pushObject (t: PushTarget, e: SuffixEntry): Promise<boolean> {
  const policy = roleHeaders(t.rr)
  const src = await t.client.raw(t.local, 'GET', namePath(t.device, t.part, e.name), policy)
  if (src.status !== 200) {
    await src.body.dump()
    // Deleted, overwritten or expired since the entries were read: the next pass sees the new state.
    if (src.status === 404) return false
    throw new NodeRequestError(`GET ${e.name} from the local objectd: ${src.status}`, src.status)
  }
  const headers: Headers = {
    ...storedObjectHeaders(src.headers),
    ...policy,
    'x-backend-replication': 'true',
    'x-timestamp': src.headers['x-backend-data-timestamp'] ?? e.timestamp,
    'content-length': src.headers['content-length'] ?? '0',
    etag: src.headers.etag ?? ''
  }
  const metaTs = src.headers['x-backend-meta-timestamp']
  if (metaTs !== undefined) headers['x-backend-meta-timestamp'] = metaTs
  try {
    const status = await t.client.send(t.peer, 'PUT', namePath(t.peerDevice, t.part, e.name), headers, Readable.from(throttled(src.body, t.bucket, t.onBytes)))
    accepted(status, [201], `PUT ${e.name}`)
  } finally {
    src.body.destroy()
  }
  return true
}

interface Dump { info: { putTs: string, deleteTs: string, meta: TimedMeta, policy?: number, accountTargets?: Array<{ host: string, device: string, partition: number }> }, rows: unknown[] }

/** Metadata grouped by timestamp: one POST per group keeps each key's own timestamp. */
function metaByTimestamp (meta: TimedMeta): Map<string, Headers> {
  const groups = new Map<string, Headers>()
  for (const [name, [value, ts]] of Object.entries(meta)) {
    const group = groups.get(ts) ?? {}
    group[name] = value
    groups.set(ts, group)
  }
  return groups
}

async function pushDatabase (t: PushTarget, e: SuffixEntry): Promise<boolean> {
  const { client, peer } = t
  const localPath = namePath(t.device, t.part, e.name)
  const res = await client.raw(t.local, 'GET', `${localPath}?replication`)
  if (res.status === 404) { await res.body.dump(); return false }
  const text = await res.body.text()
  if (res.status !== 200) throw new NodeRequestError(`GET ${localPath}?replication from the local objectd: ${res.status} ${text.slice(0, 200)}`, res.status)
  const { info, rows } = JSON.parse(text) as Dump
  const path = namePath(t.peerDevice, t.part, e.name)
  const put: Headers = { 'x-timestamp': info.putTs }
  if (t.rr.role === 'container') {
    put['x-backend-storage-policy-index'] = String(info.policy ?? 0)
    const targets = info.accountTargets ?? []
    if (targets.length > 0) {
      put['x-account-host'] = targets.map((a) => a.host).join(',')
      put['x-account-device'] = targets.map((a) => a.device).join(',')
      put['x-account-partition'] = targets.map((a) => String(a.partition)).join(',')
    }
  }
  accepted(await client.send(peer, 'PUT', path, put), [201, 202], `PUT ${e.name}`)
  for (const [ts, headers] of metaByTimestamp(info.meta)) {
    accepted(await client.send(peer, 'POST', path, { ...headers, 'x-timestamp': ts }), [204, 404], `POST ${e.name}`)
  }
  for (let i = 0; i < rows.length; i += PATCH_ROWS) {
    const body = JSON.stringify(rows.slice(i, i + PATCH_ROWS))
    t.onBytes(Buffer.byteLength(body))
    accepted(await client.send(peer, 'PATCH', path, { 'content-type': 'application/json' }, body), [204, 404], `PATCH ${e.name}`)
  }
  if (info.deleteTs > info.putTs) {
    accepted(await client.send(peer, 'DELETE', path, { 'x-timestamp': info.deleteTs }), [204, 404], `DELETE ${e.name}`)
  }
  return true
}
