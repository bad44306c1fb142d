/**
 * Point reads of one device's LevelDB, gathered over a turn of the event loop into one getMany.
 *
 * Every LevelDB call crosses to libuv's thread pool and back: two thread wake-ups, which on these
 * two-core machines cost more CPU than the read itself (perf on a storage node serving 4 KiB GETs:
 * the kernel's task switching well above LevelDB's own work). Under load a node starts many reads
 * in one turn (a GET's object row, a PUT's early conflict check, container and account info), so
 * they share one crossing; a lone read waits for nothing but the end of the current turn.
 */
import type { Db } from './group-commit.js'

interface Waiter {
  resolve: (value: Buffer | undefined) => void
  reject: (err: unknown) => void
}

export class ReadBatch {
  private keys: string[] = []
  private waiters: Waiter[] = []

  constructor (private readonly db: Db) {}

  async get (key: string): Promise<Buffer | undefined> {
    return await new Promise((resolve, reject) => {
      if (this.keys.length === 0) setImmediate(() => { this.flush() })
      this.keys.push(key)
      this.waiters.push({ resolve, reject })
    })
  }

  private flush (): void {
    const { keys, waiters } = this
    this.keys = []
    this.waiters = []
    this.db.getMany(keys).then(
      (values) => { for (let i = 0; i < waiters.length; i++) waiters[i].resolve(values[i]) },
      (err: unknown) => { for (const w of waiters) w.reject(err) })
  }
}
