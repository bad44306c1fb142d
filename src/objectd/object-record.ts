/**
 * The LevelDB value of an object row: a 4-byte big-endian header length, the JSON header, then
 * the object's bytes when it is stored inline. Keeping inline data out of the JSON avoids base64
 * and lets a GET send the data as a slice of the value.
 *
 * Version 1 of the format; `v` lets a later format coexist with rows already on disk.
 */

export interface ObjectMeta {
  v: 1
  /** `account/container/object`. */
  name: string
  /** Timestamp of the data (the PUT) or of the tombstone (the DELETE). */
  ts: string
  /** Timestamp of the last POST, when newer than the data. */
  metaTs?: string
  deleted?: true
  size: number
  etag: string
  /** Stored headers, lower-case names: content-type, x-object-meta-*, x-delete-at, ... */
  headers: Record<string, string>
  /** Data file path relative to the device, when the data is not inline. */
  file?: string
}

export interface ObjectRecord {
  meta: ObjectMeta
  /** Inline data (empty for tombstones and file-backed objects). */
  inline: Buffer
}

export function encodeRecord (meta: ObjectMeta, inline?: Buffer): Buffer {
  const header = Buffer.from(JSON.stringify(meta))
  const out = Buffer.allocUnsafe(4 + header.length + (inline?.length ?? 0))
  out.writeUInt32BE(header.length, 0)
  header.copy(out, 4)
  inline?.copy(out, 4 + header.length)
  return out
}

export function decodeMeta (value: Buffer): ObjectMeta {
  const len = value.readUInt32BE(0)
  return JSON.parse(value.toString('utf8', 4, 4 + len)) as ObjectMeta
}

export function decodeRecord (value: Buffer): ObjectRecord {
  const len = value.readUInt32BE(0)
  return {
    meta: JSON.parse(value.toString('utf8', 4, 4 + len)) as ObjectMeta,
    inline: value.subarray(4 + len)
  }
}

/** The timestamp that orders writes to this name: the newest of the data and its metadata. */
export function effectiveTimestamp (meta: ObjectMeta): string {
  return meta.metaTs !== undefined && meta.metaTs > meta.ts ? meta.metaTs : meta.ts
}

/** True when X-Delete-At has passed: the object reads as absent. */
export function isExpired (meta: ObjectMeta, nowSeconds: number): boolean {
  const at = meta.headers['x-delete-at']
  return at !== undefined && Number(at) <= nowSeconds
}
