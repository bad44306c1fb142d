/** `ringstore expirer --config FILE [--once]`: the node's expirer (expirer.ts). */
import { runDaemon } from '../common/daemon.js'
import { openRoleRings } from '../common/local-node.js'
import { createExpirerMetrics } from '../common/metrics.js'
import { Expirer } from './expirer.js'

export async function main (argv: string[]): Promise<void> {
  await runDaemon('expirer', argv, async ({ conf, log, metrics, client }) => {
    const rings = await openRoleRings(conf.cluster)
    const objectRings = new Map(rings.filter((r) => r.role === 'object').map((r) => [r.policy, r]))
    const containerRing = rings.find((r) => r.role === 'container')
    if (containerRing === undefined) throw new Error('the expirer needs the container ring')
    return new Expirer({ conf, objectRings, containerRing, client, log, pass: metrics, metrics: createExpirerMetrics(metrics) })
  })
}
