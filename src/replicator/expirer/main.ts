/** `ringstore expirer --config FILE [--once]`: the node's expirer (expirer.ts). */
import { runDaemon, type BuildWorker } from '../common/daemon.js'
import { createExpirerMetrics } from '../common/metrics.js'
import { Expirer } from './expirer.js'

export const buildExpirer: BuildWorker<'expirer'> = ({ conf, rings, log, metrics, client }) => {
  const objectRings = new Map(rings.filter((r) => r.role === 'object').map((r) => [r.policy, r]))
  const containerRing = rings.find((r) => r.role === 'container')
  if (containerRing === undefined) throw new Error('the expirer needs the container ring')
  return new Expirer({ conf, objectRings, containerRing, client, log, pass: metrics, metrics: createExpirerMetrics(metrics) })
}

export async function main (argv: string[]): Promise<void> {
  await runDaemon('expirer', argv, buildExpirer)
}
