/**
 * `ringstore background --config FILE [--config FILE ...] [--once]`: every background daemon
 * (replicator, updater, auditor, expirer) of one storage node, or of several (one --config per
 * node), in one process. Each daemon keeps its own config section, interval, log lines (`daemon`
 * and `node` name it), metrics and /metrics listener (its section's bind_ip and bind_port), so it
 * is a drop-in for the four separate commands, which still work. They share one copy of each
 * cluster's rings and of the Node runtime: every process saved is about 80 MB of resident memory.
 * `npm start` runs this form once, for its four nodes.
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
