/** `ringstore auditor --config FILE [--once]`: the node's auditor (auditor.ts). */
import { runDaemon, type BuildWorker } from '../common/daemon.js'
import { createAuditorMetrics } from '../common/metrics.js'
import { Auditor } from './auditor.js'

export const buildAuditor: BuildWorker<'auditor'> = ({ conf, rings, log, metrics, client }) => {
  const objectRings = rings.filter((r) => r.role === 'object')
  return new Auditor({ conf, objectRings, client, log, pass: metrics, metrics: createAuditorMetrics(metrics) })
}

export async function main (argv: string[]): Promise<void> {
  await runDaemon('auditor', argv, buildAuditor)
}
