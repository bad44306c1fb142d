/**
 * Keeps large object bodies out of the kernel's page cache once they are on disk, as Swift's
 * object server does past its keep_cache_size. A large body is rarely read again soon, and its
 * pages would crowd out what is: LevelDB's files and the filesystem's own metadata.
 *
 * It is also cheaper. The kernel fills recycled pages far faster than pages the host has not
 * touched lately: on a VM with most of its memory free, writing 64 MiB cost 0.25 s of system
 * CPU when the page cache kept growing and 0.023 s when each file's pages were dropped after
 * its fsync (three replicas per PUT, so about 0.7 s per 64 MiB PUT).
 *
 * Dropping only works on clean pages, so a file is released after its fsync. The advice goes to a
 * worker thread (page-cache-worker.ts), since the only fadvise Node offers is a synchronous one.
 */
import { Worker } from 'node:worker_threads'
import type { Logger } from '../common/logger.js'

export class PageCache {
  private worker: Worker | undefined
  private failed = false

  /** Bodies of at most `keepBytes` keep their pages. */
  constructor (private readonly keepBytes: number, private readonly log: Logger) {}

  /** The synced file at `path` holds a body of `size` bytes; its pages go if it is too large to keep. */
  release (path: string, size: number): void {
    if (size <= this.keepBytes || this.failed) return
    this.thread().postMessage(path)
  }

  private thread (): Worker {
    if (this.worker !== undefined) return this.worker
    const worker = new Worker(new URL('./page-cache-worker.js', import.meta.url), {
      // Node calls WASI experimental and would print a warning for every objectd.
      execArgv: ['--disable-warning=ExperimentalWarning']
    })
    worker.unref() // dropping is best-effort: it never holds up a stop
    worker.on('message', (failure: { path: string, errno: number }) => {
      this.log.debug(failure, 'dropping a data file from the page cache failed (WASI errno)')
    })
    worker.on('error', (err) => {
      this.failed = true
      this.worker = undefined
      this.log.warn({ err }, 'page cache worker failed: large bodies stay in the page cache from now on')
    })
    this.worker = worker
    return worker
  }
}
