/**
 * A ring that follows its file. Operators replace ring files while daemons run (write_ring then
 * copy to every node); each daemon checks the file's mtime, size and inode on an interval and
 * swaps in the new ring when they change. A file that fails to load (still being copied, corrupt)
 * leaves the previous ring in use and is retried at the next check.
 */
import { stat } from 'node:fs/promises'
import type { HashSecrets } from '../common/hash.js'
import { loadRingFile } from './ring.js'
import type { Device, NodeLookup, OpenRingOptions, ReloadingRing, Ring } from './types.js'

const defaultReloadIntervalMs = 15000

interface FileStamp { mtimeMs: number, size: number, ino: number }

async function stampOf (file: string): Promise<FileStamp> {
  const s = await stat(file)
  return { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino }
}

function sameStamp (a: FileStamp, b: FileStamp): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino
}

class FileRing implements ReloadingRing {
  private timer: NodeJS.Timeout | undefined
  private checking: Promise<boolean> | undefined

  constructor (
    readonly file: string,
    private readonly secrets: HashSecrets,
    private current: Ring,
    private stamp: FileStamp,
    private readonly opts: OpenRingOptions
  ) {
    const interval = opts.reloadIntervalMs ?? defaultReloadIntervalMs
    if (interval > 0) {
      this.timer = setInterval(() => { this.checkInBackground() }, interval)
      this.timer.unref()
    }
  }

  get partPower (): number { return this.current.partPower }
  get replicaCount (): number { return this.current.replicaCount }
  get partCount (): number { return this.current.partCount }
  get devices (): readonly Device[] { return this.current.devices }
  get version (): string { return this.current.version }

  getPart (account: string, container?: string, object?: string): number {
    return this.current.getPart(account, container, object)
  }

  getNodes (account: string, container?: string, object?: string): NodeLookup {
    return this.current.getNodes(account, container, object)
  }

  getPartNodes (part: number): Device[] { return this.current.getPartNodes(part) }

  getMoreNodes (part: number): Iterable<Device> { return this.current.getMoreNodes(part) }

  async checkForUpdate (): Promise<boolean> {
    // Concurrent callers share one check, so a slow load is never started twice.
    this.checking ??= this.reloadIfChanged().finally(() => { this.checking = undefined })
    return await this.checking
  }

  close (): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  private checkInBackground (): void {
    this.checkForUpdate().catch((err: Error) => { this.opts.onError?.(err) })
  }

  private async reloadIfChanged (): Promise<boolean> {
    const stamp = await stampOf(this.file)
    if (sameStamp(stamp, this.stamp)) return false
    this.current = await loadRingFile(this.file, this.secrets)
    this.stamp = stamp
    this.opts.onReload?.(this.current)
    return true
  }
}

/** Loads a ring file and keeps following it; `close()` stops the checks. */
export async function openRing (file: string, secrets: HashSecrets, opts: OpenRingOptions = {}): Promise<ReloadingRing> {
  const stamp = await stampOf(file)
  const ring = await loadRingFile(file, secrets)
  return new FileRing(file, secrets, ring, stamp, opts)
}
