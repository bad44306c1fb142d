/**
 * Suffix hashes for replication, kept up to date inside every write's transaction.
 *
 * A suffix hash is the XOR of one 128-bit digest per entry, `md5(namehash/timestamp/deleted)`,
 * so a write XORs the old entry out and the new one in: no directory walk and no rescan of the
 * suffix, and two nodes holding the same entries hold the same hash whatever order they got them
 * in. An empty suffix (XOR back to zero) has no row, so it disappears from the partition's answer.
 *
 * For objects an entry is one object row. For containers and accounts an entry is one database
 * (container or account): its digest is the XOR of its info and all its rows' digests, so any
 * listing difference changes the suffix hash too.
 */
import { createHash, type Hash } from 'node:crypto'
import type { TxnView } from './group-commit.js'
import { hashKey, hashPartPrefix, partHex, prefixRange, type HashRole } from './keys.js'
import type { Db } from './group-commit.js'

export const ZERO_DIGEST = Buffer.alloc(16)

/** The digest of one entry state. */
export function entryDigest (id: string, timestamp: string, deleted: boolean): Buffer {
  return createHash('md5').update(`${id}/${timestamp}/${deleted ? 1 : 0}`).digest()
}

/** a ^= b, in place. */
export function xorInto (a: Buffer, b: Buffer): void {
  for (let i = 0; i < 16; i++) a[i] ^= b[i]
}

/** XORs `delta` into the suffix hash row. */
export function applyHashDelta (view: TxnView, role: HashRole, part: number, suffix: string, delta: Buffer): void {
  if (delta.equals(ZERO_DIGEST)) return
  const key = hashKey(role, part, suffix)
  const next = Buffer.from(view.get(key) ?? ZERO_DIGEST)
  xorInto(next, delta)
  if (next.equals(ZERO_DIGEST)) view.del(key)
  else view.put(key, next)
}

/** `{suffix: hex}` for every suffix of a partition that holds entries. */
export async function readPartitionHashes (db: Db, role: HashRole, part: number): Promise<Record<string, string>> {
  const prefix = hashPartPrefix(role, part)
  const out: Record<string, string> = {}
  for await (const [key, value] of db.iterator(prefixRange(prefix))) {
    out[key.slice(prefix.length)] = value.toString('hex')
  }
  return out
}

/**
 * `{partition: digest}` for every partition of a role held on a device, from one scan of the
 * suffix hash rows: the MD5 of a partition's suffixes and hashes in key order. Two replicas with
 * the same digest hold the same suffix hashes, so a replicator compares one request's answer per
 * peer instead of asking for every partition's hashes.
 */
export async function readPartitionDigests (db: Db, role: HashRole): Promise<Record<string, string>> {
  const prefix = `h/${role}/`
  const out: Record<string, string> = {}
  let partKey = ''
  let md5: Hash | undefined
  const finish = (): void => { if (md5 !== undefined) out[parseInt(partKey, 16)] = md5.digest('hex') }
  for await (const [key, value] of db.iterator(prefixRange(prefix))) {
    const keyPart = key.slice(prefix.length, prefix.length + 8)
    if (keyPart !== partKey) {
      finish()
      partKey = keyPart
      md5 = createHash('md5')
    }
    (md5 as Hash).update(key.slice(prefix.length + 9)).update(value)
  }
  finish()
  return out
}

/** Partitions of a role held on a device (for the replicator's job list and recon). */
export async function listPartitions (db: Db, role: HashRole): Promise<number[]> {
  const prefix = `h/${role}/`
  const parts: number[] = []
  const it = db.keys(prefixRange(prefix))
  try {
    for (let key = await it.next(); key !== undefined; key = await it.next()) {
      const hex = key.slice(prefix.length, prefix.length + 8)
      parts.push(parseInt(hex, 16))
      // Skip the rest of this partition's suffixes.
      it.seek(`${prefix}${partHex(parts[parts.length - 1] + 1)}/`)
    }
  } finally {
    await it.close()
  }
  return parts
}
