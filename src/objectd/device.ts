/**
 * The devices of this node. Each device is a directory under the devices root holding:
 *
 *   db/          LevelDB: metadata of every role, suffix hashes, async pendings
 *   objects/     data files of large objects, policy 0 (`objects-<N>/` for policy N)
 *   tmp/         temp files being written; same filesystem, so the final rename is atomic
 *
 * A device is opened on first use. A device directory that does not exist answers 507, as
 * Swift does for an unmounted drive; we never create the device directory itself.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Level } from 'level'
import { GroupCommit, type BatchStats, type Db } from './group-commit.js'
import { ReadBatch } from './read-batch.js'
import { InsufficientStorage } from './errors.js'
import type { Logger } from '../common/logger.js'

/** LevelDB's memory per device (objectd's leveldb_* settings). */
export interface DbMemory {
  cacheSize: number
  writeBufferSize: number
}

export class Device {
  readonly db: Db
  readonly commit: GroupCommit
  /** Point reads on the request path, batched (see read-batch.ts). */
  readonly reads: ReadBatch
  readonly tmpDir: string
  private readonly madeDirs = new Set<string>()

  constructor (readonly name: string, readonly path: string, stats: BatchStats, memory?: DbMemory) {
    this.db = new Level<string, Buffer>(join(path, 'db'), { keyEncoding: 'utf8', valueEncoding: 'buffer', ...memory })
    this.commit = new GroupCommit(this.db, stats)
    this.reads = new ReadBatch(this.db)
    this.tmpDir = join(path, 'tmp')
  }

  /** Opens the database and empties tmp/: a temp file left there was never acknowledged. */
  async open (): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true })
    const leftovers = await readdir(this.tmpDir)
    await Promise.all(leftovers.map(async (f) => { await rm(join(this.tmpDir, f), { force: true }) }))
    await this.db.open()
  }

  async close (): Promise<void> {
    await this.commit.drain()
    await this.db.close()
  }

  dataDir (policy: number): string {
    return join(this.path, policy === 0 ? 'objects' : `objects-${policy}`)
  }

  /** mkdir -p, remembered so the request path pays for it once per directory. */
  async ensureDir (dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return
    await mkdir(dir, { recursive: true })
    this.madeDirs.add(dir)
  }
}

export class DeviceSet {
  private readonly opened = new Map<string, Promise<Device>>()

  constructor (readonly root: string, private readonly stats: BatchStats, private readonly log: Logger, private readonly memory?: DbMemory) {}

  /** The open device, or 507 when its directory is missing. */
  async get (name: string): Promise<Device> {
    const known = this.opened.get(name)
    if (known !== undefined) return await known
    const path = join(this.root, name)
    const isDir = await stat(path).then((s) => s.isDirectory(), () => false)
    if (!isDir) throw new InsufficientStorage(`device ${name} is not mounted`)
    // Re-check after the await: another request may have started opening it meanwhile.
    let opening = this.opened.get(name)
    if (opening === undefined) {
      const device = new Device(name, path, this.stats, this.memory)
      opening = device.open().then(() => device)
      this.opened.set(name, opening)
      opening.catch((err: unknown) => {
        this.log.error({ err, device: name }, 'cannot open device')
        this.opened.delete(name)
      })
    }
    return await opening
  }

  /** Devices opened so far. */
  async openDevices (): Promise<Device[]> {
    const settled = await Promise.allSettled(this.opened.values())
    return settled.flatMap((s) => s.status === 'fulfilled' ? [s.value] : [])
  }

  /** Device directories under the root (dot entries are not devices). */
  async listNames (): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => [])
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name)
  }

  async closeAll (): Promise<void> {
    const devices = await this.openDevices()
    await Promise.all(devices.map(async (d) => { await d.close() }))
  }
}
