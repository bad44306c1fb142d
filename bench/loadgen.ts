/**
 * A Swift-API load generator: PUT, GET, HEAD, DELETE and listing phases over `count` objects of
 * `size` bytes at a given concurrency, against any Swift endpoint (Ringstore or a Swift
 * all-in-one). Prints a progress line on a terminal and a JSON summary.
 *
 *   node dist/bench/loadgen.js --auth http://127.0.0.1:8080/auth/v1.0 --user test:tester --key testing \
 *     --size 4096 --count 2000 --concurrency 64 --phases put,get,head,list,delete [--json out.json]
 */
import { parseArgs } from 'node:util'
import { writeFile } from 'node:fs/promises'
import { Pool } from 'undici'

export interface PhaseResult {
  phase: string
  ops: number
  errors: number
  seconds: number
  opsPerSec: number
  mbPerSec: number
  p50ms: number
  p99ms: number
}

export interface LoadOptions {
  auth: string
  user: string
  key: string
  size: number
  count: number
  concurrency: number
  phases: string[]
  container: string
}

async function login (opts: LoadOptions): Promise<{ token: string, storageUrl: string }> {
  const res = await fetch(opts.auth, { headers: { 'x-auth-user': opts.user, 'x-auth-key': opts.key } })
  if (res.status !== 200) throw new Error(`auth at ${opts.auth} failed: ${res.status}`)
  return { token: res.headers.get('x-auth-token') ?? '', storageUrl: res.headers.get('x-storage-url') ?? '' }
}

function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

function progress (phase: string, done: number, total: number, started: number): void {
  if (!process.stderr.isTTY) return
  const rate = done / Math.max(0.001, (performance.now() - started) / 1000)
  process.stderr.write(`\r${phase.padEnd(7)} ${String(done).padStart(8)}/${total}  ${rate.toFixed(0).padStart(7)} ops/s`)
}

/** Runs `count` operations with `concurrency` workers; op(i) resolves to the bytes it moved. */
async function runPhase (phase: string, count: number, concurrency: number, op: (i: number) => Promise<number>): Promise<PhaseResult> {
  const latencies: number[] = []
  let next = 0
  let errors = 0
  let bytes = 0
  const started = performance.now()
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now()
      try {
        bytes += await op(i)
      } catch {
        errors++
      }
      latencies.push(performance.now() - t0)
      if ((i & 63) === 0) progress(phase, latencies.length, count, started)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  const seconds = (performance.now() - started) / 1000
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')
  latencies.sort((a, b) => a - b)
  return {
    phase,
    ops: count,
    errors,
    seconds,
    opsPerSec: count / seconds,
    mbPerSec: bytes / seconds / 1e6,
    p50ms: percentile(latencies, 0.5),
    p99ms: percentile(latencies, 0.99)
  }
}

export async function runLoad (opts: LoadOptions): Promise<PhaseResult[]> {
  const { token, storageUrl } = await login(opts)
  const url = new URL(storageUrl)
  const pool = new Pool(url.origin, { connections: opts.concurrency, pipelining: 1 })
  const base = url.pathname
  const headers = { 'x-auth-token': token }
  const body = Buffer.alloc(opts.size, 'x')
  const name = (i: number): string => `${base}/${opts.container}/obj-${String(i).padStart(8, '0')}`
  const call = async (method: 'PUT' | 'GET' | 'HEAD' | 'DELETE', path: string, payload?: Buffer): Promise<number> => {
    const res = await pool.request({ method, path, headers: payload !== undefined ? { ...headers, 'content-length': String(payload.length) } : headers, body: payload })
    let n = 0
    for await (const chunk of res.body) n += (chunk as Buffer).length
    if (res.statusCode >= 300 && !(method === 'DELETE' && res.statusCode === 404)) throw new Error(`${method} ${path}: ${res.statusCode}`)
    return payload?.length ?? n
  }
  await call('PUT', `${base}/${opts.container}`, Buffer.alloc(0))
  const results: PhaseResult[] = []
  const listings = Math.max(1, Math.floor(opts.count / 100))
  for (const phase of opts.phases) {
    switch (phase) {
      case 'put': results.push(await runPhase(phase, opts.count, opts.concurrency, async (i) => await call('PUT', name(i), body))); break
      case 'get': results.push(await runPhase(phase, opts.count, opts.concurrency, async (i) => await call('GET', name(i)))); break
      case 'head': results.push(await runPhase(phase, opts.count, opts.concurrency, async (i) => { await call('HEAD', name(i)); return 0 })); break
      case 'list': results.push(await runPhase(phase, listings, Math.min(8, opts.concurrency),
        async () => await call('GET', `${base}/${opts.container}?format=json&limit=1000`))); break
      case 'delete': results.push(await runPhase(phase, opts.count, opts.concurrency, async (i) => { await call('DELETE', name(i)); return 0 })); break
      default: throw new Error(`unknown phase ${phase}`)
    }
  }
  await pool.close()
  return results
}

export function formatTable (results: PhaseResult[]): string {
  const rows = results.map((r) =>
    `${r.phase.padEnd(7)} ${r.ops.toString().padStart(7)} ${r.opsPerSec.toFixed(1).padStart(10)} ${r.mbPerSec.toFixed(1).padStart(8)} ${r.p50ms.toFixed(1).padStart(8)} ${r.p99ms.toFixed(1).padStart(8)} ${String(r.errors).padStart(6)}`)
  return ['phase       ops      ops/s     MB/s   p50 ms   p99 ms errors', ...rows].join('\n')
}

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      auth: { type: 'string', default: 'http://127.0.0.1:8080/auth/v1.0' },
      user: { type: 'string', default: 'test:tester' },
      key: { type: 'string', default: 'testing' },
      size: { type: 'string', default: '4096' },
      count: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '64' },
      phases: { type: 'string', default: 'put,get,head,list,delete' },
      container: { type: 'string', default: `bench-${Date.now()}` },
      json: { type: 'string' }
    }
  })
  const opts: LoadOptions = {
    auth: values.auth as string,
    user: values.user as string,
    key: values.key as string,
    size: Number(values.size),
    count: Number(values.count),
    concurrency: Number(values.concurrency),
    phases: (values.phases as string).split(','),
    container: values.container as string
  }
  const results = await runLoad(opts)
  process.stdout.write(`${formatTable(results)}\n`)
  const summary = JSON.stringify({ options: { ...opts, key: undefined }, results })
  if (values.json !== undefined) await writeFile(values.json, summary)
  process.stdout.write(`${summary}\n`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => { process.stderr.write(`${(err as Error).message}\n`); process.exit(1) })
}
