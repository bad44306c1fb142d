/**
 * What one replicator pass did, counted as it happens: fed into the metrics at once and kept
 * for the pass's summary line and /recon report. The lag per region is the age of the oldest
 * write found missing in that region during the pass (0 when none was).
 */
import type { createReplicatorMetrics, PassMetrics } from './common/metrics.js'

type ReplicatorMetrics = ReturnType<typeof createReplicatorMetrics>

export class PassTally {
  partitions = 0
  suffixes = 0
  handoffsRemoved = 0
  errors = 0
  readonly objects: Record<string, number> = {}
  readonly bytes: Record<string, number> = {}
  readonly protocol: Record<string, number> = {}
  private readonly oldestMissing: Record<string, string> = {}

  constructor (private readonly metrics: ReplicatorMetrics, private readonly pass: PassMetrics) {}

  partition (role: string): void {
    this.partitions++
    this.metrics.partitionsChecked.labels(role).inc()
  }

  suffixSynced (role: string): void {
    this.suffixes++
    this.metrics.suffixesSynced.labels(role).inc()
  }

  pushed (role: string, region: string): void {
    this.objects[region] = (this.objects[region] ?? 0) + 1
    this.metrics.objectsPushed.labels(role, region).inc()
  }

  bytesPushed (region: string, n: number): void {
    this.bytes[region] = (this.bytes[region] ?? 0) + n
    this.metrics.bytesPushed.labels(region).inc(n)
  }

  protocolBytes (region: string, n: number): void {
    this.protocol[region] = (this.protocol[region] ?? 0) + n
    this.metrics.protocolBytes.labels(region).inc(n)
  }

  missingIn (region: string, timestamp: string): void {
    const known = this.oldestMissing[region]
    if (known === undefined || timestamp < known) this.oldestMissing[region] = timestamp
  }

  handoffRemoved (role: string): void {
    this.handoffsRemoved++
    this.metrics.handoffsRemoved.labels(role).inc()
  }

  error (step: string): void {
    this.errors++
    this.pass.errors.labels(step).inc()
  }

  /** Sets the lag gauge of every known region (0 where nothing was missing) and returns it. */
  publishLag (regions: Iterable<number>, nowSeconds: number): Record<string, number> {
    const lag: Record<string, number> = {}
    for (const r of regions) {
      const oldest = this.oldestMissing[String(r)]
      lag[String(r)] = oldest === undefined ? 0 : Math.max(0, nowSeconds - Number(oldest))
      this.metrics.lag.labels(String(r)).set(lag[String(r)])
    }
    return lag
  }

  totalPushed (): number {
    return Object.values(this.objects).reduce((a, b) => a + b, 0)
  }
}
