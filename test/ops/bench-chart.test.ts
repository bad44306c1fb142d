/**
 * A small compare-mode bench run against a test cluster (the same proxy twice, to keep it short):
 * the JSON result has both runs and their ratios, and the SVG chart is written with a bar per
 * endpoint, phase and size.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startCluster } from '../helpers/cluster.js'
import { repoRoot, tempDir } from '../helpers/process.js'
import type { BenchResult } from '../../bench/loadgen.js'

const cluster = await startCluster(t)
const dir = await tempDir(t)

t.test('compare run writes the JSON result and the SVG chart', async (t) => {
  const json = join(dir, 'result.json')
  const chart = join(dir, 'result.svg')
  const auth = `${cluster.url}/auth/v1.0`
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, [join(repoRoot, 'dist', 'bench', 'loadgen.js'), '--auth', auth, '--label', 'first',
      '--compare-auth', auth, '--compare-label', 'second', '--size', '1024,8192', '--count', '20', '--concurrency', '4', '--warmup', '5',
      '--json', json, '--chart', chart], { timeout: 120000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${err.message}\n${stdout}\n${stderr}`))
      else {
        t.match(stdout, /first ÷ second/, 'ratios printed')
        resolve()
      }
    })
  })
  const result = JSON.parse(await readFile(json, 'utf8')) as BenchResult
  t.same(result.runs.map((r) => r.label), ['first', 'second'])
  t.equal(result.workload.warmup, 5)
  const { token, storageUrl } = await cluster.auth()
  const warmup = await fetch(`${storageUrl}?format=json`, { headers: { 'x-auth-token': token } })
  const containers = (await warmup.json()) as Array<{ name: string, count: number }>
  t.ok(containers.some((c) => c.name.endsWith('-warmup')), 'the warm-up ran in a container of its own')
  for (const run of result.runs) {
    t.equal(run.results.length, 10, 'five phases for each of two sizes')
    t.equal(run.results.reduce((n, r) => n + r.errors, 0), 0, 'no errors')
  }
  t.equal(result.ratios?.length, 10)
  const svg = await readFile(chart, 'utf8')
  t.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  t.match(svg, /throughput \(ops\/s\)/)
  t.match(svg, /latency \(ms\)/)
  t.match(svg, /first put 8 KiB: [\d.]+ ops\/s/, 'a tooltip per bar')
  t.equal((svg.match(/<rect [^>]*fill-opacity/g) ?? []).length, 2 * 10 * 4, 'per run and phase: one throughput bar and three latency bars')
  t.match(svg, /<\/svg>\n$/)
})
