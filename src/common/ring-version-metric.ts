/**
 * `ringstore_ring_version_info{ring, version} 1` for each ring a process uses, read at scrape time
 * so a ring reloaded without a restart shows its new version. A dashboard counts the distinct
 * versions per ring across processes to catch one that missed a ring push.
 */
import { Gauge, type Registry } from 'prom-client'

export type RingVersionSource = () => Record<string, string> | Promise<Record<string, string>>

export function registerRingVersions (registry: Registry, versions: RingVersionSource): void {
  // The registry holds the gauge: nothing else needs a reference to it.
  new Gauge({
    name: 'ringstore_ring_version_info',
    help: 'Version of each ring in use (value 1; the version is the label)',
    labelNames: ['ring', 'version'],
    registers: [registry],
    // Proxy workers' metrics are summed (src/proxy/workers.ts): a version in use is still 1.
    aggregator: 'max',
    async collect () {
      const current = await versions()
      this.reset()
      for (const [ring, version] of Object.entries(current)) this.labels(ring, version).set(1)
    }
  })
}
