/**
 * `ringbuilder <file.builder> <verb> [args]`: the operator's ring builder, with the verbs and device
 * syntax of swift-ring-builder. With no verb it shows the builder.
 *
 * Exit codes as swift-ring-builder's: 0 done, 1 done with a warning (nothing could be moved,
 * min_part_hours held partitions back), 2 error (bad input, unknown device, unreadable file).
 */
import { RingBuilderError, RingFileError } from '../src/ring/index.js'
import { exitError, UsageError } from './cli-error.js'
import { verbs } from './verbs.js'

const usage = `usage: ringbuilder <file.builder> [verb] [args]
verbs:
  create <part_power> <replicas> <min_part_hours>
  add r<region>z<zone>-<ip>:<port>[R<ip>:<port>]/<device>[_<meta>] <weight> [...]
  add --region R --zone Z --ip IP --port P [--replication-ip IP --replication-port P] --device NAME --weight W [--meta TEXT]
  remove <search> [...]                search: d<id>, r<region>z<zone>-<ip>:<port>/<device>, <ip>, ...
  set_weight <search> <weight> [...]
  set_overload <fraction>|<percent>%
  set_min_part_hours <hours>
  rebalance [--seed N]                 also writes <name>.ring.gz
  write_ring                           writes <name>.ring.gz beside the builder
  show [<search>]                      devices with partitions, weight and balance (the default)
  dispersion                           partitions with 2+ replicas in one region, zone, node, device
  validate`

/** Runs one command; returns the exit code. Messages go to stdout, errors to stderr. */
export async function main (argv: string[]): Promise<number> {
  const [file, verbName = 'show', ...args] = argv
  if (file === undefined || file === '--help' || file === '-h') {
    console.error(usage)
    return exitError
  }
  const verb = Object.hasOwn(verbs, verbName) ? verbs[verbName] : undefined
  if (verb === undefined) {
    console.error(`ringbuilder: unknown verb ${JSON.stringify(verbName)}\n${usage}`)
    return exitError
  }
  try {
    return await verb(file, args)
  } catch (err) {
    if (isOperatorError(err)) {
      console.error(`ringbuilder: ${(err as Error).message}`)
      return exitError
    }
    throw err
  }
}

/** Errors that are the operator's to fix, shown as a message; anything else is a bug and keeps its stack. */
function isOperatorError (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  const parseArgsError = typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
  return err instanceof UsageError || err instanceof RingBuilderError || err instanceof RingFileError || parseArgsError
}

process.exitCode = await main(process.argv.slice(2))
