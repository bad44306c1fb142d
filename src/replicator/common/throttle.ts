/**
 * A token bucket in bytes (or any unit) per second, shared by every stream it limits: the
 * replicator keeps one per remote region (the WAN link's share), the auditor one in bytes per
 * device (its disk's share) and one in objects per node (its CPU's share).
 * Up to one second of tokens accumulates, so a short idle period allows a short burst.
 */
import { setTimeout as sleep } from 'node:timers/promises'

export class TokenBucket {
  private tokens: number
  private last = Date.now()
  /** Waiters are served in order, so one large chunk cannot starve behind many small ones. */
  private queue: Promise<void> = Promise.resolve()

  constructor (private readonly bytesPerSecond: number) {
    this.tokens = bytesPerSecond
  }

  /** Resolves once `bytes` may pass. */
  async take (bytes: number): Promise<void> {
    const turn = this.queue.then(async () => {
      this.refill()
      this.tokens -= bytes
      if (this.tokens < 0) await sleep(Math.ceil(-this.tokens / this.bytesPerSecond * 1000))
    })
    this.queue = turn
    await turn
  }

  private refill (): void {
    const now = Date.now()
    this.tokens = Math.min(this.bytesPerSecond, this.tokens + (now - this.last) / 1000 * this.bytesPerSecond)
    this.last = now
  }
}

/** The chunks of `source`, each let through once the bucket allows (none: unlimited); `onChunk` counts them. */
export async function * throttled (source: AsyncIterable<Buffer>, bucket: TokenBucket | undefined,
  onChunk: (bytes: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    if (bucket !== undefined) await bucket.take(chunk.length)
    onChunk(chunk.length)
    yield chunk
  }
}
