import t from 'tap'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { loadRingFile } from '../../src/ring/index.js'
import { repoRoot, tempDir } from '../helpers/process.js'
import { builderOf } from './fixtures.js'

const run = promisify(execFile)
const secrets = { prefix: 'cluster-prefix', suffix: 'cluster-suffix' }
const names = Array.from({ length: 200 }, (_, i) => [`AUTH_${i % 7}`, `c${i % 13}`, `object-${i}-ü`])

/** What a fresh process, knowing only the ring file and the secrets, answers for each name. */
async function lookupsInChild (file: string): Promise<string> {
  const ringModule = pathToFileURL(join(repoRoot, 'dist', 'src', 'ring', 'index.js')).href
  const script = `
    const { loadRingFile } = await import(${JSON.stringify(ringModule)})
    const ring = await loadRingFile(${JSON.stringify(file)}, ${JSON.stringify(secrets)})
    const names = ${JSON.stringify(names)}
    console.log(JSON.stringify(names.map((n) => { const { part, nodes } = ring.getNodes(...n); return [part, nodes.map((d) => d.id)] })))
  `
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script])
  return stdout.trim()
}

t.test('every process maps a name to the same partition and devices', async (t) => {
  const dir = await tempDir(t)
  const b = builderOf({ partPower: 10, regions: 2, zonesPerRegion: 2, nodesPerZone: 2, devicesPerNode: 2 })
  b.rebalance({ seed: 5 })
  const file = join(dir, 'object.ring.gz')
  await b.writeRing(file)
  const [first, second] = await Promise.all([lookupsInChild(file), lookupsInChild(file)])
  const ring = await loadRingFile(file, secrets)
  const here = JSON.stringify(names.map((n) => { const { part, nodes } = ring.getNodes(n[0], n[1], n[2]); return [part, nodes.map((d) => d.id)] }))
  t.equal(first, second)
  t.equal(first, here)
  t.ok(new Set(JSON.parse(here).map((x: [number]) => x[0])).size > 100, 'names spread over many partitions')
})
