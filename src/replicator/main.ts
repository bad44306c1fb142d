/**
 * `ringstore replicator --config FILE [--once]`: the node's replicator (replicator.ts), reading
 * the node's config file (`cluster`, `objectd`, `replicator` sections).
 */
import { runDaemon } from './common/daemon.js'
import { openRoleRings } from './common/local-node.js'
import { createReplicatorMetrics } from './common/metrics.js'
import { Replicator } from './replicator.js'

export async function main (argv: string[]): Promise<void> {
  await runDaemon('replicator', argv, async ({ conf, log, metrics, client }) => {
    const rings = await openRoleRings(conf.cluster)
    return new Replicator({ conf, rings, client, log, pass: metrics, metrics: createReplicatorMetrics(metrics) })
  })
}
