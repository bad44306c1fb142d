/**
 * Listing updates to container and account nodes, batched per target.
 *
 * Updates for one target (node, device, partition, listing) queue while a PATCH to it is in
 * flight, and updates arriving in the same tick join them; each flush sends everything queued
 * as one PATCH with an array of rows. A sender waits for its row's PATCH at most conn_timeout to
 * connect and node_timeout for the answer (and as long again between pieces of its body); when it
 * fails (refused, timed out, non-2xx), every row of that PATCH becomes an async pending
 * on the device that took the write, synced before the sender is told.
 */
import { encodeName } from '../common/name-path.js'
import type { Device } from './device.js'
import type { AsyncPendings, PendingUpdate } from './async-pending.js'
import type { UpdateTarget } from './container-db.js'

interface Waiting {
  row: unknown
  device: Device
  resolve: (delivered: boolean) => void
}

interface Channel {
  host: string
  path: string
  queue: Waiting[]
  busy: boolean
}

export interface SenderHooks {
  onBatch?: (rows: number, delivered: boolean) => void
  /** The update could be neither delivered nor kept (e.g. the device is full). */
  onLost?: (err: unknown, update: PendingUpdate) => void
}

/** `/device/partition/account[/container]`, percent-encoded (dot segments too: see common/name-path.ts). */
export function listingPath (target: UpdateTarget, account: string, container?: string): string {
  const base = `/${encodeName(target.device)}/${target.partition}/${encodeName(account)}`
  return container === undefined ? base : `${base}/${encodeName(container)}`
}

export class UpdateSender {
  private readonly channels = new Map<string, Channel>()

  constructor (private readonly pendings: AsyncPendings, private readonly hooks: SenderHooks = {}) {}

  /** Sends one row; resolves true when delivered, false when kept as an async pending. */
  async send (host: string, path: string, row: unknown, device: Device): Promise<boolean> {
    const id = host + path
    let channel = this.channels.get(id)
    if (channel === undefined) {
      channel = { host, path, queue: [], busy: false }
      this.channels.set(id, channel)
    }
    const ch = channel
    return await new Promise<boolean>((resolve) => {
      ch.queue.push({ row, device, resolve })
      if (!ch.busy) {
        ch.busy = true
        setImmediate(() => { void this.flush(ch, id) })
      }
    })
  }

  private async flush (ch: Channel, id: string): Promise<void> {
    while (ch.queue.length > 0) {
      const batch = ch.queue
      ch.queue = []
      const update: PendingUpdate = { host: ch.host, path: ch.path, rows: batch.map((w) => w.row) }
      const delivered = await this.pendings.deliver(update)
      this.hooks.onBatch?.(batch.length, delivered)
      if (!delivered) {
        await this.keep(ch, batch).catch((err: unknown) => { this.hooks.onLost?.(err, update) })
      }
      for (const w of batch) w.resolve(delivered)
    }
    ch.busy = false
    this.channels.delete(id)
  }

  /** One pending per device that took a write in this batch. */
  private async keep (ch: Channel, batch: Waiting[]): Promise<void> {
    const byDevice = new Map<Device, unknown[]>()
    for (const w of batch) {
      const rows = byDevice.get(w.device) ?? []
      rows.push(w.row)
      byDevice.set(w.device, rows)
    }
    await Promise.all([...byDevice].map(async ([device, rows]) => {
      await this.pendings.add(device, { host: ch.host, path: ch.path, rows })
    }))
  }
}
