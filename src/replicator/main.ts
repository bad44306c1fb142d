/**
 * `ringstore replicator --config FILE [--once]`: the node's replicator (replicator.ts), reading
 * the node's config file (`cluster`, `objectd`, `replicator` sections).
 */
import { runDaemon, type BuildWorker } from './common/daemon.js'
import { createReplicatorMetrics } from './common/metrics.js'
import { Replicator } from './replicator.js'

export const buildReplicator: BuildWorker<'replicator'> = ({ conf, rings, log, metrics, client }) =>
  new Replicator({ conf, rings, client, log, pass: metrics, metrics: createReplicatorMetrics(metrics) })

export async function main (argv: string[]): Promise<void> {
  await runDaemon('replicator', argv, buildReplicator)
}
