/**
 * What container and account databases share: metadata kept per key with its timestamp (the
 * newer value per key wins, so replicas merge in any order; an empty value deletes the key, as
 * in Swift), the deleted rule, and the digest of a database's own info for the suffix hashes.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { MAX_META_COUNT, MAX_META_OVERALL_SIZE } from '../common/metadata-limits.js'
import { BadRequest } from './errors.js'
import type { TxnView } from './group-commit.js'
import { hashKey, suffixOf, type HashRole } from './keys.js'
import { applyHashDelta, entryDigest, xorInto } from './partition-hashes.js'

/** header name (lower case) -> [value, timestamp] */
export type TimedMeta = Record<string, [string, string]>

export const NO_TIMESTAMP = '0000000000.00000'

/**
 * Merges headers with the given prefixes (or exact names) into `meta` at timestamp `ts`. Throws
 * 400 when a request's metadata would make the kept user metadata exceed Swift's limits.
 */
export function mergeMeta (meta: TimedMeta, headers: IncomingHttpHeaders, ts: string,
  accepts: (name: string) => boolean): TimedMeta {
  const out: TimedMeta = { ...meta }
  let changed = false
  for (const name in headers) {
    if (!accepts(name)) continue
    const raw = headers[name]
    const value = Array.isArray(raw) ? raw.join(',') : raw ?? ''
    const current = out[name]
    if (current === undefined || current[1] < ts) out[name] = [value, ts]
    changed = true
  }
  if (changed) checkMetaLimits(out)
  return out
}

/** Swift's count of kept user metadata: deleted (empty) keys are free, and a name counts without its prefix. */
function checkMetaLimits (meta: TimedMeta): void {
  let count = 0
  let size = 0
  for (const [name, [value]] of Object.entries(meta)) {
    const prefix = /^x-(account|container)-meta-/.exec(name)
    if (prefix === null || value === '') continue
    count++
    size += Buffer.byteLength(name) - prefix[0].length + Buffer.byteLength(value)
  }
  if (count > MAX_META_COUNT) throw new BadRequest(`Too many metadata items; max ${MAX_META_COUNT}`)
  if (size > MAX_META_OVERALL_SIZE) throw new BadRequest(`Total metadata too large; max ${MAX_META_OVERALL_SIZE}`)
}

/** The metadata as response headers (deleted keys, stored as empty values, omitted). */
export function metaHeaders (meta: TimedMeta, out: Record<string, string>): void {
  for (const [name, [value]] of Object.entries(meta)) {
    if (value !== '') out[name] = value
  }
}

function newestMetaTimestamp (meta: TimedMeta): string {
  let newest = NO_TIMESTAMP
  for (const entry of Object.values(meta)) if (entry[1] > newest) newest = entry[1]
  return newest
}

export interface DbState {
  putTs: string
  deleteTs: string
  meta: TimedMeta
}

export function isDeleted (state: DbState): boolean {
  return state.deleteTs > state.putTs
}

/** Digest of a database's own state, XORed with its rows' digests into its suffix hash. */
export function infoDigest (nameHash: string, state: DbState): Buffer {
  return entryDigest(nameHash, `${state.putTs}|${state.deleteTs}|${newestMetaTimestamp(state.meta)}`, isDeleted(state))
}

/** Where a container's or account's info row lives, for `putInfo`. */
export interface InfoPlace {
  part: number
  nameHash: string
  infoKey: string
}

/** The keys a transaction changing an info row reads: the row and its suffix hash. */
export function infoReads (role: HashRole, place: InfoPlace): string[] {
  return [place.infoKey, hashKey(role, place.part, suffixOf(place.nameHash))]
}

/**
 * Writes a container's or account's new info row inside a transaction, keeping its digest and
 * its suffix hash in step with the change from `before` to `after`.
 */
export function putInfo<T extends DbState & { digest: string }> (view: TxnView, role: HashRole, place: InfoPlace,
  before: T | undefined, after: T): void {
  const delta = infoDigest(place.nameHash, after)
  if (before !== undefined) xorInto(delta, infoDigest(place.nameHash, before))
  const digest = after.digest === '' ? Buffer.alloc(16) : Buffer.from(after.digest, 'hex')
  xorInto(digest, delta)
  after.digest = digest.toString('hex')
  view.put(place.infoKey, Buffer.from(JSON.stringify(after)))
  applyHashDelta(view, role, place.part, suffixOf(place.nameHash), delta)
}

/** Swift's listing time format: ISO 8601 with microseconds and no zone (UTC). */
export function listingTime (ts: string): string {
  const seconds = Math.floor(Number(ts))
  return new Date(seconds * 1000).toISOString().slice(0, 19) + '.' + ts.slice(11, 16) + '0'
}
