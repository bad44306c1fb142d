/** `ringstore updater --config FILE [--once]`: the node's updater (updater.ts). */
import { runDaemon } from '../common/daemon.js'
import { openRoleRings } from '../common/local-node.js'
import { createUpdaterMetrics } from '../common/metrics.js'
import { Updater } from './updater.js'

export async function main (argv: string[]): Promise<void> {
  await runDaemon('updater', argv, async ({ conf, log, metrics, client }) => {
    // Pendings live on any device of the node; the account ring names the node's devices.
    const rings = await openRoleRings(conf.cluster)
    const ring = rings.find((r) => r.role === 'account') ?? rings[0]
    return new Updater({ conf, ring, client, log, pass: metrics, metrics: createUpdaterMetrics(metrics) })
  })
}
