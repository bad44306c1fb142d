/** `ringstore auditor --config FILE [--once]`: the node's auditor (auditor.ts). */
import { runDaemon } from '../common/daemon.js'
import { openRoleRings } from '../common/local-node.js'
import { createAuditorMetrics } from '../common/metrics.js'
import { Auditor } from './auditor.js'

export async function main (argv: string[]): Promise<void> {
  await runDaemon('auditor', argv, async ({ conf, log, metrics, client }) => {
    const objectRings = (await openRoleRings(conf.cluster)).filter((r) => r.role === 'object')
    return new Auditor({ conf, objectRings, client, log, pass: metrics, metrics: createAuditorMetrics(metrics) })
  })
}
