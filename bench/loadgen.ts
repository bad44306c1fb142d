/**
 * The load generator an operator runs before going live: put, get, head, list and delete phases
 * over `count` objects of each size at a given concurrency, against one endpoint or, in compare
 * mode, the same workload against two (Ringstore and a Swift all-in-one, or two Ringstore configs)
 * with the ratios printed. A progress bar on a terminal; a JSON result and an SVG chart on request.
 *
 *   node dist/bench/loadgen.js --auth http://127.0.0.1:8080/auth/v1.0 --user test:tester --key testing \
 *     --size 4096,1048576 --count 2000 --concurrency 64 --phases put,get,head,list,delete \
 *     [--label ringstore --compare-auth http://127.0.0.1:18080/auth/v1.0 --compare-label swift] \
 *     [--warmup 1000] [--rounds 3] [--json result.json] [--chart result.svg]
 *
 * In compare mode the endpoints take turns size by size (A then B for each size, B then A in the
 * next round), so a slow spell of a shared machine hurts both rather than one. `--warmup N` first
 * runs every phase with N objects of each size against every endpoint, unmeasured, in a container
 * of its own: a freshly started server (Node's JIT, caches, LevelDB files) is slower than one
 * that has served a while. `--rounds N` measures the whole workload N times over, each round in a
 * container of its own, and gives each phase's median: the host of a shared virtual machine takes
 * CPU away in spells that last minutes, and one round's ratio moved by 40% between runs of the
 * same command.
 */
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { renderChart, type ChartRun } from './chart.js'
import { API_NAMES, openClient, type ApiName, type Endpoint } from './clients.js'
import { compareRuns, formatRatios, type PhaseRatio } from './compare.js'
import { formatSize, runPhase, type PhaseResult } from './phase.js'

export type { PhaseResult }

export interface LoadOptions {
  auth: string
  user: string
  key: string
  size: number
  count: number
  concurrency: number
  phases: string[]
  container: string
  /** Default `swift`. */
  api?: ApiName
}

export const PHASES = ['put', 'get', 'head', 'list', 'delete']

/** One size's phases against one endpoint. */
export async function runLoad (opts: LoadOptions): Promise<PhaseResult[]> {
  const unknown = opts.phases.filter((p) => !PHASES.includes(p))
  if (unknown.length > 0) throw new Error(`unknown phase ${unknown.join(', ')}; phases are ${PHASES.join(', ')}`)
  const endpoint: Endpoint = { api: opts.api ?? 'swift', auth: opts.auth, user: opts.user, key: opts.key, label: opts.auth }
  const client = await openClient(endpoint, { container: opts.container, concurrency: opts.concurrency })
  try {
    await client.prepare()
    const body = Buffer.alloc(opts.size, 'x')
    const name = (i: number): string => `obj-${opts.size}-${String(i).padStart(8, '0')}`
    // One listing page per hundred objects: listings are rarer than object requests in real traffic.
    const listings = Math.max(1, Math.floor(opts.count / 100))
    const ops: Record<string, { count: number, concurrency: number, op: (i: number) => Promise<number> }> = {
      put: { count: opts.count, concurrency: opts.concurrency, op: async (i) => await client.put(name(i), body) },
      get: { count: opts.count, concurrency: opts.concurrency, op: async (i) => await client.get(name(i)) },
      head: { count: opts.count, concurrency: opts.concurrency, op: async (i) => await client.head(name(i)) },
      list: { count: listings, concurrency: Math.min(8, opts.concurrency), op: async () => await client.list() },
      delete: { count: opts.count, concurrency: opts.concurrency, op: async (i) => await client.delete(name(i)) }
    }
    const results: PhaseResult[] = []
    for (const phase of opts.phases) {
      const p = ops[phase]
      results.push(await runPhase(phase, opts.size, p.count, p.concurrency, p.op))
    }
    return results
  } finally {
    await client.close()
  }
}

export function formatTable (results: PhaseResult[]): string {
  const rows = results.map((r) =>
    `${r.phase.padEnd(7)} ${formatSize(r.size).padStart(9)} ${r.ops.toString().padStart(7)} ${r.opsPerSec.toFixed(1).padStart(10)} ${r.mbPerSec.toFixed(1).padStart(8)} ` +
    `${r.p50ms.toFixed(1).padStart(8)} ${r.p90ms.toFixed(1).padStart(8)} ${r.p99ms.toFixed(1).padStart(8)} ${String(r.errors).padStart(6)}`)
  return ['phase        size     ops      ops/s     MB/s   p50 ms   p90 ms   p99 ms errors', ...rows].join('\n')
}

export interface EndpointRun { label: string, api: ApiName, auth: string, results: PhaseResult[] }

export interface Round {
  runs: EndpointRun[]
  /** The endpoints' labels in the order they ran in this round (see turnOrder). */
  order: string[]
  /** Compare mode: first run ÷ second run. */
  ratios?: PhaseRatio[]
}

export interface BenchResult {
  /** Bumped when a field changes meaning, for the scripts that read these files. */
  format: 1
  started: string
  workload: { sizes: number[], count: number, concurrency: number, phases: string[], warmup: number, rounds: number }
  /** Per endpoint, each phase's result from its median round (by ops/s); with one round, that round's. */
  runs: EndpointRun[]
  /** Compare mode: first run ÷ second run, each figure the median of the rounds' ratios. */
  ratios?: PhaseRatio[]
  /** Every round, when there was more than one. */
  rounds?: Round[]
}

export interface BenchOptions {
  endpoints: Endpoint[]
  sizes: number[]
  count: number
  concurrency: number
  phases: string[]
  container: string
  /** Objects per size of the unmeasured first run against each endpoint (0: none). */
  warmup: number
  /** Measured passes over the whole workload (default 1). */
  rounds?: number
}

/** The middle one of `items` by `key` (of an even count, the lower middle one). */
function medianBy<T> (items: T[], key: (item: T) => number): T {
  return [...items].sort((a, b) => key(a) - key(b))[Math.floor((items.length - 1) / 2)]
}

/** Each phase's result from its median round, per endpoint. */
function medianRuns (rounds: Round[]): EndpointRun[] {
  return rounds[0].runs.map((run, i) => ({
    ...run,
    results: run.results.map((first) => medianBy(
      rounds.map((r) => r.runs[i].results.find((p) => p.phase === first.phase && p.size === first.size) as PhaseResult),
      (p) => p.opsPerSec))
  }))
}

/** Each ratio the median of the rounds' ratios, figure by figure. */
function medianRatios (rounds: Round[]): PhaseRatio[] {
  return (rounds[0].ratios ?? []).map((first) => {
    const same = rounds.map((r) => r.ratios?.find((q) => q.phase === first.phase && q.size === first.size) as PhaseRatio)
    const figure = (key: 'opsPerSec' | 'p50ms' | 'p99ms'): number => medianBy(same, (q) => q[key])[key]
    return { phase: first.phase, size: first.size, opsPerSec: figure('opsPerSec'), p50ms: figure('p50ms'), p99ms: figure('p99ms') }
  })
}

/**
 * Which endpoint goes first in round `k` (from 1): each in turn. The one that goes second
 * follows the other's DELETE phase, and on one cluster (S3 against the Swift API) the PUT phase
 * that came first met the LevelDB compactions of the other's deletes: S3 PUT measured 0.71-0.78x
 * of the Swift API's in three rounds where S3 always went first, and 1.18-1.42x where it always
 * went second. An even number of rounds gives each endpoint the first turn equally often.
 */
function turnOrder (endpoints: number, k: number): number[] {
  return Array.from({ length: endpoints }, (_e, i) => (i + k - 1) % endpoints)
}

/** Every size against every endpoint, taking turns by size and by round; the whole of it `rounds` times. */
export async function runBench (opts: BenchOptions): Promise<BenchResult> {
  const started = new Date().toISOString()
  const roundCount = opts.rounds ?? 1
  if (!Number.isInteger(roundCount) || roundCount < 1) throw new Error(`--rounds: expected a whole number of at least 1, got ${roundCount}`)
  for (const size of opts.warmup > 0 ? opts.sizes : []) {
    for (const e of opts.endpoints) {
      if (process.stderr.isTTY) process.stderr.write(`${e.label}: warming up with ${opts.warmup} ${formatSize(size)} objects\n`)
      await runLoad({ ...e, size, count: opts.warmup, concurrency: opts.concurrency, phases: opts.phases, container: `${opts.container}-warmup` })
    }
  }
  const rounds: Round[] = []
  for (let k = 1; k <= roundCount; k++) {
    const container = k === 1 ? opts.container : `${opts.container}-round${k}`
    const runs = opts.endpoints.map((e) => ({ label: e.label, api: e.api, auth: e.auth, results: [] as PhaseResult[] }))
    const order = turnOrder(opts.endpoints.length, k)
    for (const size of opts.sizes) {
      for (const i of order) {
        const e = opts.endpoints[i]
        if (process.stderr.isTTY) process.stderr.write(`${e.label}: ${formatSize(size)} objects${roundCount > 1 ? `, round ${k} of ${roundCount}` : ''}\n`)
        runs[i].results.push(...await runLoad({ ...e, size, count: opts.count, concurrency: opts.concurrency, phases: opts.phases, container }))
      }
    }
    const round: Round = { runs, order: order.map((i) => runs[i].label) }
    if (runs.length === 2) round.ratios = compareRuns(runs[0].results, runs[1].results)
    rounds.push(round)
  }
  const workload = { sizes: opts.sizes, count: opts.count, concurrency: opts.concurrency, phases: opts.phases, warmup: opts.warmup, rounds: roundCount }
  if (roundCount === 1) {
    // One round is the result itself; its order is the endpoints' own.
    const { runs, ratios } = rounds[0]
    return { format: 1, started, workload, runs, ...(ratios !== undefined ? { ratios } : {}) }
  }
  const result: BenchResult = { format: 1, started, workload, runs: medianRuns(rounds), rounds }
  if (rounds[0].ratios !== undefined) result.ratios = medianRatios(rounds)
  return result
}

export function chartOf (result: BenchResult): string {
  const runs: ChartRun[] = result.runs.map((r) => ({ label: r.label, results: r.results }))
  const w = result.workload
  return renderChart(runs, `${runs.map((r) => r.label).join(' vs ')}: ${w.count} objects, concurrency ${w.concurrency}`)
}

function numbers (list: string, what: string): number[] {
  const values = list.split(',').map(Number)
  if (values.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`--${what}: expected whole numbers, got ${list}`)
  return values
}

function apiOf (value: string): ApiName {
  if (!(API_NAMES as string[]).includes(value)) throw new Error(`--api: one of ${API_NAMES.join(', ')}, got ${value}`)
  return value as ApiName
}

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      api: { type: 'string', default: 'swift' },
      auth: { type: 'string', default: 'http://127.0.0.1:8080/auth/v1.0' },
      user: { type: 'string', default: 'test:tester' },
      key: { type: 'string', default: 'testing' },
      label: { type: 'string' },
      'compare-api': { type: 'string' },
      'compare-auth': { type: 'string' },
      'compare-user': { type: 'string' },
      'compare-key': { type: 'string' },
      'compare-label': { type: 'string' },
      size: { type: 'string', default: '4096' },
      count: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '64' },
      warmup: { type: 'string', default: '0' },
      rounds: { type: 'string', default: '1' },
      phases: { type: 'string', default: PHASES.join(',') },
      container: { type: 'string', default: `bench-${Date.now()}` },
      json: { type: 'string' },
      chart: { type: 'string' }
    }
  })
  const endpoints: Endpoint[] = [{ api: apiOf(values.api), auth: values.auth, user: values.user, key: values.key, label: values.label ?? 'A' }]
  if (values['compare-auth'] !== undefined) {
    endpoints.push({
      api: apiOf(values['compare-api'] ?? values.api),
      auth: values['compare-auth'],
      user: values['compare-user'] ?? values.user,
      key: values['compare-key'] ?? values.key,
      label: values['compare-label'] ?? 'B'
    })
  }
  const result = await runBench({
    endpoints,
    sizes: numbers(values.size, 'size'),
    count: numbers(values.count, 'count')[0],
    concurrency: numbers(values.concurrency, 'concurrency')[0],
    phases: values.phases.split(','),
    container: values.container,
    warmup: numbers(values.warmup, 'warmup')[0],
    rounds: numbers(values.rounds, 'rounds')[0]
  })
  // Ratios exist only in compare mode, where there are two endpoints.
  const labels = (): [string, string] => [endpoints[0].label, endpoints[1].label]
  for (const [k, round] of (result.rounds ?? []).entries()) {
    process.stdout.write(`round ${k + 1}\n`)
    for (const run of round.runs) process.stdout.write(`${run.label} (${run.auth})\n${formatTable(run.results)}\n\n`)
    if (round.ratios !== undefined) process.stdout.write(`${formatRatios(labels(), round.ratios)}\n\n`)
  }
  if (result.rounds !== undefined) process.stdout.write(`median of ${result.rounds.length} rounds\n`)
  for (const run of result.runs) process.stdout.write(`${run.label} (${run.auth})\n${formatTable(run.results)}\n\n`)
  if (result.ratios !== undefined) process.stdout.write(`${formatRatios(labels(), result.ratios)}\n`)
  if (values.chart !== undefined) await writeFile(values.chart, chartOf(result))
  if (values.json !== undefined) await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`)
  else process.stdout.write(`${JSON.stringify(result)}\n`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => { process.stderr.write(`loadgen: ${(err as Error).message}\n`); process.exit(1) })
}
