/** `ringstore updater --config FILE [--once]`: the node's updater (updater.ts). */
import { runDaemon, type BuildWorker } from '../common/daemon.js'
import { createUpdaterMetrics } from '../common/metrics.js'
import { Updater } from './updater.js'

export const buildUpdater: BuildWorker<'updater'> = ({ conf, rings, log, metrics, client }) => {
  // Pendings live on any device of the node; the account ring names the node's devices.
  const ring = rings.find((r) => r.role === 'account') ?? rings[0]
  return new Updater({ conf, ring, client, log, pass: metrics, metrics: createUpdaterMetrics(metrics) })
}

export async function main (argv: string[]): Promise<void> {
  await runDaemon('updater', argv, buildUpdater)
}
