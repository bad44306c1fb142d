/**
 * Every daemon validates its config at start: a bad or unknown key stops it with a message that
 * names the key, and exit code 2, before it binds a port.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { prepareLayout } from '../../src/local/layout.js'
import { cliPath, freePort, tempDir } from '../helpers/process.js'

const dir = await tempDir(t)
const layout = await prepareLayout({ dataDir: join(dir, 'data'), proxyPort: await freePort(), partPower: 4 })

async function startWith (daemon: string, file: string, section: string, extra: Record<string, unknown>): Promise<{ code: number, stderr: string }> {
  const conf = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>
  conf[section] = { ...conf[section], ...extra }
  const bad = join(dir, `${daemon}-${Object.keys(extra).join('-')}.json`)
  await writeFile(bad, JSON.stringify(conf))
  return await new Promise((resolve) => {
    execFile(process.execPath, [cliPath, daemon, '--config', bad], { timeout: 20000 }, (err, _stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code), stderr })
    })
  })
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
