/** objectd's Prometheus metrics, declared in one place and handed to the modules that feed them. */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

export function createMetrics () {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  return {
    registry,
    requests: new Counter({ name: 'objectd_requests_total', help: 'Requests by method and status', labelNames: ['method', 'status'] as const, registers }),
    bytesIn: new Counter({ name: 'objectd_object_bytes_received_total', help: 'Object body bytes received', registers }),
    bytesOut: new Counter({ name: 'objectd_object_bytes_sent_total', help: 'Object body bytes sent', registers }),
    batches: new Counter({ name: 'objectd_db_batches_total', help: 'Synced LevelDB batches (group commits)', registers }),
    batchTxns: new Histogram({ name: 'objectd_db_batch_transactions', help: 'Transactions per synced batch', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers }),
    batchSeconds: new Histogram({ name: 'objectd_db_batch_seconds', help: 'Time to assemble and sync a batch', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers }),
    fsyncs: new Histogram({ name: 'objectd_data_fsync_seconds', help: 'fsync of data files and their directories', buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1], registers }),
    updateBatches: new Counter({ name: 'objectd_listing_update_batches_total', help: 'Listing update PATCHes sent, by result', labelNames: ['result'] as const, registers }),
    updateRows: new Counter({ name: 'objectd_listing_update_rows_total', help: 'Listing update rows sent', registers }),
    getQuarantines: new Counter({ name: 'objectd_get_quarantines_total', help: 'Objects quarantined because a whole-object GET read bytes not matching their ETag', registers }),
    asyncPending: new Gauge({ name: 'objectd_async_pending', help: 'Listing updates kept for retry', registers })
  }
}

export type Metrics = ReturnType<typeof createMetrics>
