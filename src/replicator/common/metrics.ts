/**
 * Prometheus metrics of the background daemons, declared in one place. Every daemon has the pass
 * metrics; each one adds its own. Names start with `ringstore_<daemon>_`.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'

/** `processMetrics`: whether this registry carries process_* and nodejs_* (once per process). */
export function createPassMetrics (daemon: string, processMetrics = true) {
  const registry = new Registry()
  if (processMetrics) collectDefaultMetrics({ register: registry })
  const registers = [registry]
  return {
    registry,
    passes: new Counter({ name: `ringstore_${daemon}_passes_total`, help: 'Completed passes', registers }),
    passSeconds: new Gauge({ name: `ringstore_${daemon}_pass_duration_seconds`, help: 'Duration of the last pass', registers }),
    errors: new Counter({ name: `ringstore_${daemon}_errors_total`, help: 'Failed steps (a request, a partition, a device)', labelNames: ['step'] as const, registers })
  }
}

export type PassMetrics = ReturnType<typeof createPassMetrics>

export function createReplicatorMetrics (pass: PassMetrics) {
  const registers = [pass.registry]
  return {
    partitionsChecked: new Counter({ name: 'ringstore_replicator_partitions_checked_total', help: 'Partitions compared with their peers', labelNames: ['role'] as const, registers }),
    suffixesSynced: new Counter({ name: 'ringstore_replicator_suffixes_synced_total', help: 'Suffixes whose entries differed and were exchanged', labelNames: ['role'] as const, registers }),
    objectsPushed: new Counter({ name: 'ringstore_replicator_objects_pushed_total', help: 'Objects, tombstones and listing databases pushed, by peer region', labelNames: ['role', 'region'] as const, registers }),
    bytesPushed: new Counter({ name: 'ringstore_replicator_bytes_pushed_total', help: 'Object body bytes pushed, by peer region', labelNames: ['region'] as const, registers }),
    protocolBytes: new Counter({ name: 'ringstore_replicator_protocol_bytes_total', help: 'Hash and entry listing bytes received from peers, by peer region', labelNames: ['region'] as const, registers }),
    handoffsRemoved: new Counter({ name: 'ringstore_replicator_handoff_partitions_removed_total', help: 'Handoff partitions removed after every primary confirmed them', labelNames: ['role'] as const, registers }),
    lag: new Gauge({ name: 'ringstore_replication_lag_seconds', help: 'Age of the oldest write this node found missing in a region during its last pass', labelNames: ['region'] as const, registers })
  }
}

export function createUpdaterMetrics (pass: PassMetrics) {
  const registers = [pass.registry]
  return {
    pending: new Gauge({ name: 'ringstore_updater_async_pending', help: 'Async pendings found at the start of the last pass', registers }),
    delivered: new Counter({ name: 'ringstore_updater_delivered_total', help: 'Async pendings delivered and removed', registers }),
    failed: new Counter({ name: 'ringstore_updater_failed_total', help: 'Async pending deliveries that failed (kept for the next pass)', registers })
  }
}

export function createAuditorMetrics (pass: PassMetrics) {
  const registers = [pass.registry]
  return {
    objectsAudited: new Counter({ name: 'ringstore_auditor_objects_audited_total', help: 'Objects whose bytes were checked', registers }),
    bytesAudited: new Counter({ name: 'ringstore_auditor_bytes_audited_total', help: 'Bytes read and checked', registers }),
    quarantines: new Counter({ name: 'ringstore_auditor_quarantines_total', help: 'Objects and files quarantined, by reason', labelNames: ['reason'] as const, registers })
  }
}

export function createExpirerMetrics (pass: PassMetrics) {
  const registers = [pass.registry]
  return {
    expired: new Counter({ name: 'ringstore_expirer_objects_expired_total', help: 'Expired objects deleted', registers })
  }
}
