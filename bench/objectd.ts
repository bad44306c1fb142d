/**
 * objectd benchmark, directly against one objectd process (no proxy):
 *   - PUT and GET per second of 4 KiB objects, concurrency 64 (undici Pool);
 *   - MB/s of PUT and GET of 64 MiB objects;
 *   - a container of 1,000,000 rows inserted by PATCH batches: time to the first listing page
 *     and entries per second over the full paginated listing.
 * Run: `npm run build && node dist/bench/objectd.js [--small N] [--rows N]`. Prints a table and one JSON line.
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Readable } from 'node:stream'
import { Pool } from 'undici'

const { values } = parseArgs({ options: { small: { type: 'string', default: '20000' }, rows: { type: 'string', default: '1000000' }, large: { type: 'string', default: '4' } } })
const SMALL = Number(values.small)
const ROWS = Number(values.rows)
const LARGE = Number(values.large)
const CONCURRENCY = 64
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.js')

async function freePort (): Promise<number> {
  return await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => { resolve(typeof a === 'object' && a !== null ? a.port : 0) })
    })
  })
}

let clock = 1700000000 * 100000
const ts = (): string => ((clock += 1) / 100000).toFixed(5)

async function run (n: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await job(next++)
  }))
  return (performance.now() - started) / 1000
}

async function expect (pool: Pool, opts: Parameters<Pool['request']>[0], status: number): Promise<number> {
  const res = await pool.request(opts)
  let bytes = 0
  for await (const chunk of res.body) bytes += (chunk as Buffer).length
  if (res.statusCode !== status) throw new Error(`${opts.method} ${opts.path}: ${res.statusCode}`)
  return bytes
}

async function main (): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'ringstore-bench-'))
  await mkdir(join(root, 'srv', 'sda'), { recursive: true })
  const port = await freePort()
  const conf = join(root, 'objectd.json')
  await writeFile(conf, JSON.stringify({
    cluster: { ring_dir: root, hash_path_suffix: 'bench' },
    objectd: { bind_port: port, devices: join(root, 'srv'), log_level: 'warn', housekeeping_interval: 86400 }
  }))
  const child = spawn(process.execPath, [cli, 'objectd', '--config', conf], { stdio: 'inherit' })
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY, pipelining: 1 })
  try {
    for (let i = 0; i < 100; i++) {
      try { await expect(pool, { path: '/healthcheck', method: 'GET' }, 200); break } catch { await new Promise((resolve) => setTimeout(resolve, 100)) }
    }
    const results: Record<string, number> = {}
    const body4k = Buffer.alloc(4096, 7)
    results.put_4k_per_s = SMALL / await run(SMALL, async (i) => {
      await expect(pool, { path: `/sda/${i % 1024}/a/c/small-${i}`, method: 'PUT', headers: { 'x-timestamp': ts() }, body: body4k }, 201)
    })
    results.get_4k_per_s = SMALL / await run(SMALL, async (i) => {
      await expect(pool, { path: `/sda/${i % 1024}/a/c/small-${i}`, method: 'GET' }, 200)
    })

    const big = 64 * 1024 * 1024
    const chunk = Buffer.alloc(1024 * 1024, 3)
    let started = performance.now()
    for (let i = 0; i < LARGE; i++) {
      const body = Readable.from((function * () { for (let k = 0; k < 64; k++) yield chunk })())
      await expect(pool, { path: `/sda/1/a/c/large-${i}`, method: 'PUT', headers: { 'x-timestamp': ts(), 'content-length': String(big) }, body }, 201)
    }
    results.put_64m_mb_per_s = LARGE * 64 / ((performance.now() - started) / 1000)
    started = performance.now()
    for (let i = 0; i < LARGE; i++) {
      const got = await expect(pool, { path: `/sda/1/a/c/large-${i}`, method: 'GET' }, 200)
      if (got !== big) throw new Error(`short GET: ${got}`)
    }
    results.get_64m_mb_per_s = LARGE * 64 / ((performance.now() - started) / 1000)

    const cont = '/sda/2/a/million'
    await expect(pool, { path: cont, method: 'PUT', headers: { 'x-timestamp': ts() } }, 201)
    started = performance.now()
    const batch = 10000
    await run(Math.ceil(ROWS / batch), async (b) => {
      const rows = []
      for (let i = b * batch; i < Math.min(ROWS, (b + 1) * batch); i++) {
        rows.push({ name: `obj/${String(i).padStart(8, '0')}`, timestamp: ts(), size: 4096, content_type: 'application/octet-stream', etag: 'd41d8cd98f00b204e9800998ecf8427e', deleted: false })
      }
      await expect(pool, { path: cont, method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rows) }, 204)
    })
    results.patch_rows_per_s = ROWS / ((performance.now() - started) / 1000)
    started = performance.now()
    const first = await pool.request({ path: `${cont}?format=json&limit=10000&marker=${encodeURIComponent('obj/00500000')}`, method: 'GET' })
    const firstPage = await first.body.json() as Array<{ name: string }>
    results.first_page_ms = performance.now() - started
    if (firstPage.length !== Math.min(10000, Math.max(0, ROWS - 500001))) throw new Error(`first page has ${firstPage.length}`)
    started = performance.now()
    let marker = ''
    let listed = 0
    for (;;) {
      const res = await pool.request({ path: `${cont}?format=json&limit=10000&marker=${encodeURIComponent(marker)}`, method: 'GET' })
      const page = await res.body.json() as Array<{ name: string }>
      if (page.length === 0) break
      listed += page.length
      marker = page[page.length - 1].name
    }
    if (listed !== ROWS) throw new Error(`listed ${listed} of ${ROWS}`)
    results.listing_entries_per_s = listed / ((performance.now() - started) / 1000)

    const rowsOut: Array<[string, string]> = [
      ['PUT 4 KiB (c=64)', `${results.put_4k_per_s.toFixed(0)} /s`],
      ['GET 4 KiB (c=64)', `${results.get_4k_per_s.toFixed(0)} /s`],
      ['PUT 64 MiB', `${results.put_64m_mb_per_s.toFixed(0)} MB/s`],
      ['GET 64 MiB', `${results.get_64m_mb_per_s.toFixed(0)} MB/s`],
      [`PATCH ${ROWS} rows`, `${results.patch_rows_per_s.toFixed(0)} rows/s`],
      ['first page (10,000, mid-container)', `${results.first_page_ms.toFixed(1)} ms`],
      ['full paginated listing', `${results.listing_entries_per_s.toFixed(0)} entries/s`]
    ]
    for (const [k, v] of rowsOut) console.log(`${k.padEnd(36)} ${v.padStart(18)}`)
    console.log(JSON.stringify({ bench: 'objectd', small: SMALL, rows: ROWS, ...Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v * 10) / 10])) }))
  } finally {
    await pool.close()
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    await rm(root, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1 })
