/**
 * Group commit for one device's LevelDB.
 *
 * Every write is a transaction: the keys it reads and a synchronous `apply` that decides what to
 * write from what it read. Transactions queue; whenever no batch is in flight, everything queued
 * is applied in arrival order against one view (so a later transaction sees an earlier one's
 * writes) and written as ONE `db.batch(..., { sync: true })`. Each caller resolves after the batch
 * that carries its writes is on disk, so many concurrent small writes share one fsync.
 *
 * Because batches never overlap, a transaction's check-then-write (timestamp comparisons, stats
 * and hash increments) is atomic without per-key locks.
 */
import type { Level } from 'level'

export type Db = Level<string, Buffer>

/** What a transaction sees: the committed state plus earlier writes of the same batch. */
export interface TxnView {
  get: (key: string) => Buffer | undefined
  put: (key: string, value: Buffer) => void
  del: (key: string) => void
}

export interface Txn<R> {
  /** Keys `apply` may read with view.get (others read as absent). */
  reads: readonly string[]
  apply: (view: TxnView) => R
}

export interface BatchStats {
  /** Called after each synced batch with its transaction count, op count and duration. */
  onBatch?: (txns: number, ops: number, seconds: number) => void
}

interface Queued {
  txn: Txn<unknown>
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

/** A deleted key inside the batch view (distinct from "not read yet"). */
const DELETED = Symbol('deleted')

export class GroupCommit {
  private queue: Queued[] = []
  private inFlight = false
  /** Keys written by the batch being assembled. */
  private readonly written = new Set<string>()

  constructor (private readonly db: Db, private readonly stats: BatchStats = {}) {}

  /** Runs a transaction in the next batch; resolves with apply's result once the batch is synced. */
  async run<R> (txn: Txn<R>): Promise<R> {
    return await new Promise<R>((resolve, reject) => {
      this.queue.push({ txn, resolve: resolve as (v: unknown) => void, reject })
      if (!this.inFlight) void this.flush()
    })
  }

  /** Resolves once nothing is queued or in flight (used at shutdown). */
  async drain (): Promise<void> {
    while (this.inFlight || this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5))
  }

  private async flush (): Promise<void> {
    this.inFlight = true
    try {
      while (this.queue.length > 0) {
        const batch = this.queue
        this.queue = []
        await this.commit(batch)
      }
    } finally {
      this.inFlight = false
    }
  }

  private async commit (batch: Queued[]): Promise<void> {
    const started = process.hrtime.bigint()
    let view: Map<string, Buffer | typeof DELETED>
    try {
      view = await this.readAll(batch)
    } catch (err) {
      for (const q of batch) q.reject(err)
      return
    }
    const results: Array<{ q: Queued, ok: boolean, value: unknown }> = []
    for (const q of batch) results.push(this.applyOne(q, view))
    // A chained batch, not an array: abstract-level clones every op of an array batch into objects
    // of changing shape, and a batch of 10 puts cost 300-370 µs of CPU that way against 135-160 µs
    // chained (classic-level 3, this machine).
    const writes = this.db.batch()
    for (const [key, value] of view) {
      if (!this.written.has(key)) continue
      if (value === DELETED) writes.del(key)
      else writes.put(key, value)
    }
    this.written.clear()
    const ops = writes.length
    try {
      if (ops > 0) await writes.write({ sync: true })
      else await writes.close()
    } catch (err) {
      for (const r of results) r.q.reject(err)
      return
    }
    this.stats.onBatch?.(batch.length, ops, Number(process.hrtime.bigint() - started) / 1e9)
    for (const r of results) {
      if (r.ok) r.q.resolve(r.value)
      else r.q.reject(r.value)
    }
  }

  private async readAll (batch: Queued[]): Promise<Map<string, Buffer | typeof DELETED>> {
    const keys = [...new Set(batch.flatMap((q) => q.txn.reads))]
    const values = keys.length > 0 ? await this.db.getMany(keys) : []
    const view = new Map<string, Buffer | typeof DELETED>()
    keys.forEach((key, i) => { view.set(key, values[i] ?? DELETED) })
    return view
  }

  /** Applies one transaction; its writes join the batch only if apply did not throw. */
  private applyOne (q: Queued, view: Map<string, Buffer | typeof DELETED>): { q: Queued, ok: boolean, value: unknown } {
    const local = new Map<string, Buffer | typeof DELETED>()
    const txnView: TxnView = {
      get: (key) => {
        const v = local.has(key) ? local.get(key) : view.get(key)
        return v === DELETED ? undefined : v
      },
      put: (key, value) => { local.set(key, value) },
      del: (key) => { local.set(key, DELETED) }
    }
    try {
      const value = q.txn.apply(txnView)
      for (const [key, v] of local) {
        view.set(key, v)
        this.written.add(key)
      }
      return { q, ok: true, value }
    } catch (err) {
      return { q, ok: false, value: err }
    }
  }
}
