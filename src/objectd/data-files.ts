/**
 * Object bodies on their way in and out.
 *
 * In: the body streams through MD5 (the ETag), or is checked against the MD5 and CRC-32 a proxy
 * sent after it (common/body-footer.ts). Up to inline_max_bytes it is kept in memory and
 * goes inline into the LevelDB row; past that it goes to a temp file in the device's tmp/,
 * which is fsync'd, then renamed to its final name (unique per write, so a losing concurrent
 * write can never remove the winner's file), and the directory is fsync'd so the rename survives
 * a power cut. Only after that is the row that names the file committed: the row is the
 * authority, and a data file that no row names is an orphan that housekeeping removes.
 *
 * Out: a file-backed object is opened before the answer starts, so a concurrent overwrite that
 * unlinks the old version cannot cut a GET short.
 */
import { createHash, randomBytes } from 'node:crypto'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { dirname, join } from 'node:path'
import type { Device } from './device.js'
import { FooterReader } from '../common/body-footer.js'
import { BadRequest, InsufficientStorage, isDiskFull } from './errors.js'
import { partHex, suffixOf } from './keys.js'

export interface ReceivedBody {
  size: number
  etag: string
  /** The body, when it fits inline. */
  inline?: Buffer
  /** The synced temp file holding the body, otherwise. */
  tmpPath?: string
}

export interface DataFileHooks {
  onFsync?: (seconds: number) => void
  /** A data file of `size` bytes is durable at `path`. */
  onPlaced?: (path: string, size: number) => void
}

/**
 * Body bytes gathered before one write to the temp file: a write per network chunk (16-64 KiB)
 * costs a thread-pool round trip each and held large uploads to a few tens of MB/s.
 */
const WRITE_BATCH_BYTES = 1024 * 1024

/** Tells a request's body bytes from anything sent with them, and gives the body's MD5 at its end. */
interface BodyReader {
  split: (chunk: Buffer) => Buffer[]
  md5: () => string | Error
}

/** A body sent as it is: its MD5 is computed here. */
class HashedBody implements BodyReader {
  private readonly hash = createHash('md5')

  split (chunk: Buffer): Buffer[] {
    this.hash.update(chunk)
    return [chunk]
  }

  md5 (): string {
    return this.hash.digest('hex')
  }
}

/**
 * Reads a request body; `expected` is its length (without a footer) when the body is not chunked.
 * A body with a proxy's footer (common/body-footer.ts) is checked against it and takes its MD5
 * from it; any other body is hashed here.
 */
export async function receiveBody (req: IncomingMessage, device: Device, expected: number | undefined,
  inlineMax: number, hooks: DataFileHooks, withFooter: boolean): Promise<ReceivedBody> {
  const reader: BodyReader = withFooter ? new FooterReader() : new HashedBody()
  // The whole body while it may still be inline; afterwards, what the next write will carry.
  const chunks: Buffer[] = []
  let pendingBytes = 0
  let size = 0
  let file: FileHandle | undefined
  let tmpPath: string | undefined
  const take = async (chunk: Buffer): Promise<void> => {
    size += chunk.length
    chunks.push(chunk)
    pendingBytes += chunk.length
    if (file === undefined && size <= inlineMax) return
    if (file === undefined) {
      tmpPath = join(device.tmpDir, randomBytes(12).toString('hex'))
      file = await open(tmpPath, 'wx')
    }
    if (pendingBytes >= WRITE_BATCH_BYTES) {
      await file.writev(chunks)
      chunks.length = 0
      pendingBytes = 0
    }
  }
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      for (const part of reader.split(chunk)) await take(part)
    }
    if (expected !== undefined && size !== expected) {
      throw new BadRequest(`body has ${size} bytes, Content-Length said ${expected}`)
    }
    const etag = reader.md5()
    if (etag instanceof Error) throw new BadRequest(etag.message)
    if (file !== undefined) {
      if (chunks.length > 0) await file.writev(chunks)
      const started = process.hrtime.bigint()
      await file.sync()
      hooks.onFsync?.(Number(process.hrtime.bigint() - started) / 1e9)
      await file.close()
      file = undefined
      return { size, etag, tmpPath }
    }
    return { size, etag, inline: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) }
  } catch (err) {
    await file?.close().catch(() => {})
    if (tmpPath !== undefined) await rm(tmpPath, { force: true })
    if (isDiskFull(err)) throw new InsufficientStorage(`device ${device.name} is full`)
    throw err
  }
}

export async function discardBody (body: ReceivedBody): Promise<void> {
  if (body.tmpPath !== undefined) await rm(body.tmpPath, { force: true })
}

/** The final path (relative to the device) of a new data file. */
export function dataFileName (device: Device, policy: number, part: number, nameHash: string, ts: string): string {
  const dir = device.dataDir(policy).slice(device.path.length + 1)
  return `${dir}/${partHex(part)}/${suffixOf(nameHash)}/${nameHash}-${ts}-${randomBytes(4).toString('hex')}.data`
}

/** Moves a synced temp file to its final place and makes the rename durable. */
export async function placeDataFile (device: Device, tmpPath: string, relPath: string, size: number, hooks: DataFileHooks): Promise<void> {
  const finalPath = join(device.path, relPath)
  const dir = dirname(finalPath)
  try {
    await device.ensureDir(dir)
    await rename(tmpPath, finalPath)
    const started = process.hrtime.bigint()
    const dh = await open(dir, 'r')
    try {
      await dh.sync()
    } finally {
      await dh.close()
    }
    hooks.onFsync?.(Number(process.hrtime.bigint() - started) / 1e9)
  } catch (err) {
    await rm(tmpPath, { force: true })
    await rm(finalPath, { force: true })
    if (isDiskFull(err)) throw new InsufficientStorage(`device ${device.name} is full`)
    throw err
  }
  hooks.onPlaced?.(finalPath, size)
}

/** Removes a data file that no row names any more (a replaced version or a losing write). */
export async function removeDataFile (device: Device, relPath: string): Promise<void> {
  await rm(join(device.path, relPath), { force: true })
}

export async function openDataFile (device: Device, relPath: string): Promise<FileHandle> {
  return await open(join(device.path, relPath), 'r')
}
