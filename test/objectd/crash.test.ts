import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { until } from '../helpers/until.js'
import { call, startObjectd } from './helpers.js'

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex')

async function listFiles (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.isDirectory()) out.push(...await listFiles(join(dir, e.name)))
    else out.push(e.name)
  }
  return out
}

t.test('SIGKILL during writes: acknowledged writes survive, rows and data agree', async (t) => {
  const od = await startObjectd(t)
  const { base } = od
  /** Every body written, by timestamp, and the newest acknowledged timestamp per name. */
  const bodies = new Map<string, string>()
  const acked = new Map<string, string>()
  let clock = 1700000000 * 100000
  let restartedAt = 0

  for (let round = 0; round < 5; round++) {
    let running = true
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; running; i++) {
        const name = `/sda/3/a/c/obj-${(w * 7 + i) % 24}`
        const ts = ((clock += 1) / 100000).toFixed(5)
        const body = randomBytes(i % 3 === 0 ? 3000 + w : 200 + w)
        bodies.set(ts, md5(body))
        try {
          const res = await call(base, 'PUT', name, { 'x-timestamp': ts }, body)
          if (res.status === 201 && (acked.get(name) ?? '') < ts) acked.set(name, ts)
        } catch {
          return
        }
      }
    }
    const writers = Array.from({ length: 8 }, async (_, w) => { await writer(w) })
    await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 300))
    await od.daemon.kill('SIGKILL')
    running = false
    await Promise.all(writers)
    restartedAt = Date.now() / 1000
    await od.restart()

    for (const [name, ts] of acked) {
      const res = await call(base, 'GET', name)
      t.equal(res.status, 200, `round ${round}: ${name} present`)
      const stored = res.headers['x-timestamp']
      t.ok(stored >= ts, `round ${round}: ${name} at ${stored} is at least the acknowledged ${ts}`)
      t.equal(res.headers.etag, bodies.get(stored), `round ${round}: ${name} carries the body written at ${stored}`)
      t.equal(md5(res.body), res.headers.etag, `round ${round}: ${name} body is intact`)
    }
  }
  t.ok(acked.size > 0, `${acked.size} names acknowledged`)
  t.same(await readdir(join(od.devicesDir, 'sda', 'tmp')), [], 'start-up emptied tmp/')
  // Housekeeping runs at start-up: once its pass has finished, every data file left is named by
  // a row. Every name counts, since a write cut off by the kill may be stored unacknowledged.
  const housekeeping = await until('the start-up housekeeping pass', async () => {
    const recon = JSON.parse((await call(base, 'GET', '/recon')).text) as { daemons: Record<string, { started?: number }> }
    const pass = recon.daemons['objectd-housekeeping']
    return (pass?.started ?? 0) >= restartedAt ? pass : undefined
  }, 10_000)
  t.ok((housekeeping.started ?? 0) >= restartedAt, 'the start-up housekeeping pass finished')
  const files = await listFiles(join(od.devicesDir, 'sda', 'objects'))
  const named = new Set<string>()
  for (let n = 0; n < 24; n++) {
    const head = await call(base, 'HEAD', `/sda/3/a/c/obj-${n}`)
    if (head.status === 200 && Number(head.headers['content-length']) > 1024) named.add(String(n))
  }
  t.ok(files.length <= named.size, `${files.length} data files for ${named.size} large objects: no orphans`)
})
