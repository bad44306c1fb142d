/**
 * What container and account databases share: metadata kept per key with its timestamp (the
 * newer value per key wins, so replicas merge in any order; an empty value deletes the key, as
 * in Swift), the deleted rule, and the digest of a database's own info for the suffix hashes.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { entryDigest } from './partition-hashes.js'

/** header name (lower case) -> [value, timestamp] */
export type TimedMeta = Record<string, [string, string]>

export const NO_TIMESTAMP = '0000000000.00000'

/** Merges headers with the given prefixes (or exact names) into `meta` at timestamp `ts`. */
export function mergeMeta (meta: TimedMeta, headers: IncomingHttpHeaders, ts: string,
  accepts: (name: string) => boolean): TimedMeta {
  const out: TimedMeta = { ...meta }
  for (const name in headers) {
    if (!accepts(name)) continue
    const raw = headers[name]
    const value = Array.isArray(raw) ? raw.join(',') : raw ?? ''
    const current = out[name]
    if (current === undefined || current[1] < ts) out[name] = [value, ts]
  }
  return out
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

/** Swift's listing time format: ISO 8601 with microseconds and no zone (UTC). */
export function listingTime (ts: string): string {
  const seconds = Math.floor(Number(ts))
  return new Date(seconds * 1000).toISOString().slice(0, 19) + '.' + ts.slice(11, 16) + '0'
}
