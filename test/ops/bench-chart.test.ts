/**
 * A small compare-mode bench run against a test cluster (the same proxy twice, to keep it short):
 * the JSON result has both runs and their ratios, and the SVG chart is written with a bar per
 * endpoint, phase and size. With rounds, each figure is the median of the rounds', and the
 * endpoints take turns going first.
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

async function loadgen (args: string[]): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [join(repoRoot, 'dist', 'bench', 'loadgen.js'), ...args], { timeout: 120000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${err.message}\n${stdout}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

async function containerNames (): Promise<string[]> {
  const { token, storageUrl } = await cluster.auth()
  const listing = await fetch(`${storageUrl}?format=json`, { headers: { 'x-auth-token': token } })
  return ((await listing.json()) as Array<{ name: string }>).map((c) => c.name)
}

const middle = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]

t.test('compare run writes the JSON result and the SVG chart', async (t) => {
  const json = join(dir, 'result.json')
  const chart = join(dir, 'result.svg')
  const auth = `${cluster.url}/auth/v1.0`
  const stdout = await loadgen(['--auth', auth, '--label', 'first', '--compare-auth', auth, '--compare-label', 'second',
    '--size', '1024,8192', '--count', '20', '--concurrency', '4', '--warmup', '5', '--json', json, '--chart', chart])
  t.match(stdout, /first ÷ second/, 'ratios printed')
  const result = JSON.parse(await readFile(json, 'utf8')) as BenchResult
  t.same(result.runs.map((r) => r.label), ['first', 'second'])
  t.equal(result.workload.warmup, 5)
  t.ok((await containerNames()).some((name) => name.endsWith('-warmup')), 'the warm-up ran in a container of its own')
  t.equal(result.rounds, undefined, 'one round: no rounds list')
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

t.test('rounds: every round measured in its own container, each figure the median', async (t) => {
  const json = join(dir, 'rounds.json')
  const auth = `${cluster.url}/auth/v1.0`
  const stdout = await loadgen(['--auth', auth, '--label', 'first', '--compare-auth', auth, '--compare-label', 'second',
    '--size', '2048', '--count', '10', '--concurrency', '2', '--phases', 'put,get', '--rounds', '3', '--container', 'rounds', '--json', json])
  t.match(stdout, /round 3\n/)
  t.match(stdout, /median of 3 rounds\n/)
  const result = JSON.parse(await readFile(json, 'utf8')) as BenchResult
  t.equal(result.workload.rounds, 3)
  t.equal(result.rounds?.length, 3)
  const names = await containerNames()
  t.ok(['rounds', 'rounds-round2', 'rounds-round3'].every((n) => names.includes(n)), 'a container per round')
  const rounds = result.rounds ?? []
  t.same(rounds.map((r) => r.order), [['first', 'second'], ['second', 'first'], ['first', 'second']], 'the endpoints take turns going first')
  for (const [i, run] of result.runs.entries()) {
    for (const [j, phase] of run.results.entries()) {
      t.equal(phase.opsPerSec, middle(rounds.map((r) => r.runs[i].results[j].opsPerSec)), `${run.label} ${phase.phase}: the median round`)
      t.equal(phase.errors, 0)
    }
  }
  for (const [j, ratio] of (result.ratios ?? []).entries()) {
    t.equal(ratio.opsPerSec, middle(rounds.map((r) => r.ratios?.[j].opsPerSec ?? NaN)), `${ratio.phase}: the median ratio`)
    t.equal(ratio.p99ms, middle(rounds.map((r) => r.ratios?.[j].p99ms ?? NaN)))
  }
  t.equal(result.ratios?.length, 2)
  await t.rejects(loadgen(['--auth', auth, '--count', '1', '--rounds', '0']), /--rounds: expected a whole number of at least 1, got 0/)
})
