/**
 * `ringstore local` (what `npm start` runs) as a user runs it: the proxy answers, each storage
 * node has one objectd, one background process runs every node's replicator, updater, auditor
 * and expirer (each passes, logs with its node and serves its own metrics), and SIGTERM to the
 * command stops every process it started. With --no-background only the request path runs.
 */
import t from 'tap'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { prepareLayout } from '../../src/local/layout.js'
import { freePort, spawnCli, tempDir } from '../helpers/process.js'
import { until } from '../helpers/until.js'

const DAEMONS = ['replicator', 'updater', 'auditor', 'expirer']

const dir = await tempDir(t, 'ringstore-local-')
const dataDir = join(dir, 'data')
// The layout made beforehand on free ports, with passes every half second; `local` reuses it as made.
const fast = { interval: 0.5 }
const layout = await prepareLayout({
  dataDir,
  proxyPort: await freePort(),
  nodePorts: [await freePort(), await freePort(), await freePort(), await freePort()],
  partPower: 6,
  overrides: { replicator: fast, updater: fast, auditor: fast, expirer: fast }
})

/** The live children of a process, with their ringstore arguments (after cli.js and Node's flags), from /proc. */
async function childrenOf (pid: number): Promise<Array<{ pid: number, args: string[] }>> {
  const found: Array<{ pid: number, args: string[] }> = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid !== pid) continue
      const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '')
      found.push({ pid: Number(entry), args: argv.slice(argv.findIndex((a) => a.endsWith('cli.js')) + 1) })
    } catch {} // it exited while we looked
  }
  return found
}

/** The JSON lines of a daemon's log file under data/logs. */
async function logLines (name: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(dataDir, 'logs', `${name}.log`), 'utf8').catch(() => '')
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
}

const local = spawnCli(t, ['local', '--data', dataDir])
// spawnCli SIGKILLs `local` at teardown if it still runs, which leaves its children: stop them by their configs.
t.teardown(async () => {
  for (const entry of await readdir('/proc')) {
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')
    if (!/^\d+$/.test(entry) || !argv.includes(`${dataDir}/etc/`)) continue
    try {
      process.kill(Number(entry), 'SIGKILL')
    } catch {} // it exited meanwhile
  }
})
// The banner comes once every daemon answers its health check.
await until('the banner', async () => {
  if (local.child.exitCode !== null) throw new Error(`ringstore local exited:\n${local.output()}`)
  return /Ringstore is running/.test(local.output()) ? true : undefined
}, 180_000)
const pid = local.child.pid ?? 0

/** A node's daemons log with `node`, its objectd's address. */
const nodeLabel = (port: number): string => `127.0.0.1:${port}`

t.test('one objectd per node, one background process for all of them, and the proxy', async (t) => {
  t.match(local.output(), `Ringstore is running: http://127.0.0.1:${layout.proxyPort}`, 'the banner names the endpoint')
  t.equal((await fetch(`http://127.0.0.1:${layout.proxyPort}/healthcheck`)).status, 200, 'the proxy answers')
  const children = await childrenOf(pid)
  const commands = children.map((c) => c.args.slice(0, 2).join(' ')).sort()
  t.same(commands, [
    'background --config',
    ...layout.nodes.map(() => 'objectd --config'),
    'proxy --config'
  ].sort(), 'six processes: no separate replicator, updater, auditor or expirer, no background process per node')
  const background = children.find((c) => c.args[0] === 'background')
  t.same(background?.args.filter((a) => a !== '--config'), ['background', ...layout.nodes.map((n) => n.config)], 'the background process is given every node\'s config')
})

t.test('the background process runs all four daemons of every node', async (t) => {
  const passed = (all: Array<Record<string, unknown>>, node: string, daemon: string): boolean =>
    all.some((l) => l.node === node && l.daemon === daemon && l.msg === 'pass complete')
  const lines = await until('a pass of every daemon of every node', async () => {
    const all = await logLines('background')
    return layout.nodes.every((n) => DAEMONS.every((d) => passed(all, nodeLabel(n.port), d))) ? all : undefined
  }, 60_000)
  t.equal(new Set(lines.map((l) => l.pid)).size, 1, 'every line comes from one process')
  const hasProcessMetrics: boolean[] = []
  const urls = new Set<string>()
  for (const node of layout.nodes) {
    for (const daemon of DAEMONS) {
      const running = lines.find((l) => l.node === nodeLabel(node.port) && l.daemon === daemon && l.msg === `${daemon} running`)
      t.ok(running, `${node.name} ${daemon} started`)
      urls.add(String(running?.metrics))
      const metrics = await (await fetch(String(running?.metrics))).text()
      t.match(metrics, new RegExp(`^ringstore_${daemon}_passes_total [1-9]`, 'm'), `${node.name} ${daemon}: its own metrics, passes counted`)
      hasProcessMetrics.push(/^process_resident_memory_bytes /m.test(metrics))
    }
  }
  t.equal(urls.size, layout.nodes.length * DAEMONS.length, 'a /metrics listener per daemon per node')
  t.same(hasProcessMetrics, hasProcessMetrics.map((_m, i) => i === 0), 'the process metrics once, on the first node\'s replicator\'s listener')
})

t.test('SIGTERM stops every process the command started', async (t) => {
  const children = await childrenOf(pid)
  t.equal(children.length, 6)
  const exited = new Promise<number | null>((resolve) => { local.child.once('exit', (code) => { resolve(code) }) })
  local.child.kill('SIGTERM')
  t.equal(await exited, 0, 'local exits 0')
  const alive = children.filter((c) => {
    try {
      process.kill(c.pid, 0)
      return true
    } catch {
      return false
    }
  })
  t.same(alive.map((c) => c.args[0]), [], 'no child left running')
})

t.test('--no-background starts the request path alone, on the same data', async (t) => {
  const bare = spawnCli(t, ['local', '--data', dataDir, '--no-background'])
  await until('the banner', async () => {
    if (bare.child.exitCode !== null) throw new Error(`ringstore local exited:\n${bare.output()}`)
    return /Ringstore is running/.test(bare.output()) ? true : undefined
  }, 180_000)
  t.match(bare.output(), /No background daemons/, 'the banner says so')
  const children = await childrenOf(bare.child.pid ?? 0)
  t.same(children.map((c) => c.args[0]).sort(), [...layout.nodes.map(() => 'objectd'), 'proxy'].sort(), 'four objectd and the proxy')
  t.equal((await fetch(`http://127.0.0.1:${layout.proxyPort}/healthcheck`)).status, 200, 'the proxy answers')
  const exited = new Promise<number | null>((resolve) => { bare.child.once('exit', (code) => { resolve(code) }) })
  bare.child.kill('SIGTERM')
  t.equal(await exited, 0, 'and it stops on SIGTERM')
})
