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
 * A database is pushed only when it holds something the peer's lacks (`ahead`).
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

interface Row { name: string, timestamp: string, put_timestamp?: string, delete_timestamp?: string }
interface Dump { info: { putTs: string, deleteTs: string, meta: TimedMeta, policy?: number, accountTargets?: Array<{ host: string, device: string, partition: number }> }, rows: Row[] }

async function readDump (t: PushTarget, node: NodeAddress, device: string, e: SuffixEntry): Promise<Dump | undefined> {
  const path = `${namePath(device, t.part, e.name)}?replication`
  const res = await t.client.raw(node, 'GET', path)
  if (res.status === 404) { await res.body.dump(); return undefined }
  const text = await res.body.text()
  if (res.status !== 200) throw new NodeRequestError(`GET http://${node.ip}:${node.port}${path}: ${res.status} ${text.slice(0, 200)}`, res.status)
  if (node !== t.local) t.onBytes(Buffer.byteLength(text))
  return JSON.parse(text) as Dump
}

/** A row's timestamps; an account row has three, each merging as the max. */
function stamps (row: Row): string[] {
  return [row.timestamp, row.put_timestamp ?? '', row.delete_timestamp ?? '']
}

/**
 * True when merging `mine` into `theirs` would change it: a newer info timestamp or metadata
 * value, or a row it lacks or holds older. Digests only say that two replicas differ; this says
 * which one is behind, so a replica that holds less (a handoff that got no rows) stops pushing.
 */
function ahead (mine: Dump, theirs: Dump | undefined): boolean {
  if (theirs === undefined) return true
  if (mine.info.putTs > theirs.info.putTs || mine.info.deleteTs > theirs.info.deleteTs) return true
  for (const [name, [, ts]] of Object.entries(mine.info.meta)) if (ts > (theirs.info.meta[name]?.[1] ?? '')) return true
  const theirRows = new Map(theirs.rows.map((r) => [r.name, stamps(r)]))
  return mine.rows.some((r) => {
    const other = theirRows.get(r.name)
    return other === undefined || stamps(r).some((ts, i) => ts > other[i])
  })
}

/** Whether the local database holds anything the peer's lacks (`check` mode asks only this). */
export async function databaseAhead (t: PushTarget, e: SuffixEntry): Promise<boolean> {
  const mine = await readDump(t, t.local, t.device, e)
  return mine !== undefined && ahead(mine, await readDump(t, t.peer, t.peerDevice, e))
}

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
  const mine = await readDump(t, t.local, t.device, e)
  if (mine === undefined || !ahead(mine, await readDump(t, peer, t.peerDevice, e))) return false
  const { info, rows } = mine
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
