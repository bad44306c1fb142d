/**
 * Every daemon validates its config at start: a bad or unknown key stops it with a message that
 * names the key (and, for the background daemons, the file), and exit code 2, before it binds a port.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { prepareLayout } from '../../src/local/layout.js'
import { cliPath, freePort, tempDir } from '../helpers/process.js'

const dir = await tempDir(t)
const layout = await prepareLayout({ dataDir: join(dir, 'data'), proxyPort: await freePort(), partPower: 4 })

/** A copy of `file` with `extra` merged into `section`. */
async function badCopy (daemon: string, file: string, section: string, extra: Record<string, unknown>): Promise<string> {
  const conf = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>
  conf[section] = { ...conf[section], ...extra }
  const bad = join(dir, `${daemon}-${Object.keys(extra).join('-')}.json`)
  await writeFile(bad, JSON.stringify(conf))
  return bad
}

async function run (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { timeout: 20000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code), stdout, stderr })
    })
  })
}

async function startWith (daemon: string, file: string, section: string, extra: Record<string, unknown>): Promise<{ code: number, stdout: string, stderr: string }> {
  return await run([daemon, '--config', await badCopy(daemon, file, section, extra)])
}

const cases = [
  { daemon: 'proxy', file: layout.proxyConfig, section: 'proxy', extra: { node_timout: 3 }, message: /proxy\.node_timout: unknown key/ },
  { daemon: 'proxy', file: layout.proxyConfig, section: 'proxy', extra: { bind_port: 'eighty' }, message: /proxy\.bind_port: expected number/ },
  { daemon: 'proxy', file: layout.proxyConfig, section: 'proxy', extra: { shutdown_timeout: -1 }, message: /proxy\.shutdown_timeout: must be at least 0/ },
  { daemon: 'proxy', file: layout.proxyConfig, section: 'cluster', extra: { hash_path_sufix: 'x' }, message: /cluster\.hash_path_sufix: unknown key/ },
  { daemon: 'objectd', file: layout.nodes[0].config, section: 'objectd', extra: { reclaim_ag: 1 }, message: /objectd\.reclaim_ag: unknown key/ },
  { daemon: 'objectd', file: layout.nodes[0].config, section: 'objectd', extra: { log_level: 'loud' }, message: /objectd\.log_level: must be one of/ },
  { daemon: 'replicator', file: layout.nodes[0].config, section: 'replicator', extra: { concurency_local: 2 }, message: /replicator\.concurency_local: unknown key/ },
  { daemon: 'background', file: layout.nodes[0].config, section: 'expirer', extra: { bach: 10 }, message: /expirer\.bach: unknown key/ }
]

for (const c of cases) {
  t.test(`${c.daemon}: ${JSON.stringify(c.extra)} in ${c.section}`, async (t) => {
    const { code, stderr } = await startWith(c.daemon, c.file, c.section, c.extra)
    t.equal(code, 2, 'exit code 2: configuration error')
    t.match(stderr, c.message, 'the message names the key')
  })
}

t.test('background with two nodes: a bad key in the second config', async (t) => {
  const bad = await badCopy('background-second', layout.nodes[1].config, 'auditor', { bytes_per_secnd: 1 })
  const { code, stdout, stderr } = await run(['background', '--config', layout.nodes[0].config, '--config', bad])
  t.equal(code, 2, 'exit code 2: configuration error')
  t.match(stderr, bad, 'the message names the file')
  t.match(stderr, /auditor\.bytes_per_secnd: unknown key/, 'and the key')
  t.equal(stdout, '', 'no daemon of the first node started (none logged)')
})
