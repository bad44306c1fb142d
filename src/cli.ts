/**
 * The `ringstore` command: `ringstore <daemon or tool> [options]`. Each subcommand lives in its
 * own module and exports `main(argv)`; this file only dispatches, so starting one daemon loads
 * only that daemon's code.
 */
import { ConfigError } from './common/config.js'

type Main = (argv: string[]) => Promise<void>

const commands: Record<string, { summary: string, load: () => Promise<{ main: Main }> }> = {
  objectd: { summary: 'storage node daemon (objects, container and account listings)', load: async () => await import('./objectd/main.js') },
  local: { summary: 'run a whole cluster on this machine (what npm start runs)', load: async () => await import('./local/main.js') },
  proxy: { summary: 'proxy server: the Swift and S3 APIs', load: async () => await import('./proxy/main.js') },
  status: { summary: 'the cluster at a glance; exit code 0 OK, 1 WARNING, 2 CRITICAL (a Nagios check)', load: async () => await import('./ops/status/main.js') },
  dispersion: { summary: 'place probes over the rings once, then report copies where the rings say, per region', load: async () => await import('./ops/dispersion/main.js') },
  replicator: { summary: 'replicator: syncs partitions with their peers, moves handoffs home', load: async () => await import('./replicator/main.js') },
  updater: { summary: 'updater: delivers async pending listing updates', load: async () => await import('./replicator/updater/main.js') },
  auditor: { summary: 'auditor: checks object bytes against their ETag, quarantines corrupt ones', load: async () => await import('./replicator/auditor/main.js') },
  expirer: { summary: 'expirer: deletes objects whose X-Delete-At has passed', load: async () => await import('./replicator/expirer/main.js') },
  background: { summary: 'replicator, updater, auditor and expirer of one or more nodes in one process (--config per node; what npm start runs)', load: async () => await import('./replicator/background.js') },
  'replication-report': { summary: 'report: partitions in sync, missing or misplaced, lag per region', load: async () => await import('./replicator/report.js') },
}

function usage (): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(20)} ${c.summary}`)
  return `usage: ringstore <command> [--config FILE] [options]\n\ncommands:\n${lines.join('\n')}\n`
}

async function run (argv: string[]): Promise<void> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage())
    return
  }
  const command = commands[name]
  if (command === undefined) {
    process.stderr.write(`ringstore: unknown command '${name}'\n\n${usage()}`)
    process.exitCode = 2
    return
  }
  const { main } = await command.load()
  await main(rest)
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`ringstore: configuration error: ${err.message}\n`)
    process.exitCode = 2
  } else {
    process.stderr.write(`ringstore: ${(err as Error).stack ?? String(err)}\n`)
    process.exitCode = 1
  }
})
