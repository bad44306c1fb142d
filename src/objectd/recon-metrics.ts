/**
 * Gauges read from the recon view at scrape time: disk usage per device, and the version of each
 * ring file on this node. Both live in /recon already; exporting them lets Prometheus alert on a
 * filling disk or a node left on an old ring without scraping JSON.
 */
import { Gauge, type Registry } from 'prom-client'
import { registerRingVersions } from '../common/ring-version-metric.js'
import type { Recon } from './recon.js'
import type { RingVersions } from './ring-versions.js'

export function registerReconMetrics (registry: Registry, recon: Recon, rings: RingVersions): void {
  // The registry holds the gauge: nothing else needs a reference to it.
  new Gauge({
    name: 'objectd_device_bytes',
    help: 'Device capacity by kind: size, used, available (unmounted or unreadable devices are absent)',
    labelNames: ['device', 'kind'],
    registers: [registry],
    async collect () {
      const usage = await recon.deviceUsage()
      this.reset()
      for (const [device, u] of Object.entries(usage)) {
        if ('error' in u) continue
        this.labels(device, 'size').set(u.size)
        this.labels(device, 'used').set(u.used)
        this.labels(device, 'available').set(u.available)
      }
    }
  })
  registerRingVersions(registry, async () => await rings.read())
}
