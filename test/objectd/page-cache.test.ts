/**
 * Large data files leave the kernel's page cache once written and once read whole; small ones
 * keep their pages. Residency is read with util-linux's fincore (mincore(2) per file).
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdir, stat, statfs } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { until } from '../helpers/until.js'
import { call, startObjectd, ts } from './helpers.js'

const run = promisify(execFile)
const TMPFS_MAGIC = 0x01021994

async function residentPages (path: string): Promise<number> {
  const { stdout } = await run('fincore', ['--noheadings', '--output', 'PAGES', path])
  return Number(stdout.trim())
}

/** The one data file of `size` bytes on the test's device (each object here has its own size). */
async function dataFileOfSize (devicesDir: string, size: number): Promise<string> {
  const found: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name)
      if (e.isDirectory()) await walk(path)
      else if ((await stat(path)).size === size) found.push(path)
    }
  }
  await walk(join(devicesDir, 'sda', 'objects'))
  if (found.length !== 1) throw new Error(`expected one data file of ${size} bytes, found ${found.length}`)
  return found[0]
}

const onTmpfs = (await statfs(tmpdir())).type === TMPFS_MAGIC
const skip = onTmpfs ? 'the temp directory is a tmpfs, whose files live in the page cache and cannot leave it' : false

t.test('page cache: large bodies are dropped after their fsync and after a whole read', { skip }, async (t) => {
  const od = await startObjectd(t, { objectd: { keep_cache_size: 1024 * 1024 } })
  const put = async (name: string, size: number): Promise<string> => {
    const res = await call(od.base, 'PUT', `/sda/3/AUTH_a/c/${name}`, { 'x-timestamp': ts() }, randomBytes(size))
    t.equal(res.status, 201, `PUT ${name}`)
    return await dataFileOfSize(od.devicesDir, size)
  }

  const small = await put('small', 512 * 1024)
  const large = await put('large', 4 * 1024 * 1024)
  await until('the large data file to leave the page cache', async () => await residentPages(large) === 0 ? true : undefined, 10_000)
  t.ok(await residentPages(small) > 0, 'a body within keep_cache_size keeps its pages')

  const ranged = await call(od.base, 'GET', '/sda/3/AUTH_a/c/large', { range: 'bytes=0-1048575' })
  t.equal(ranged.status, 206)
  t.ok(await residentPages(large) > 0, 'a ranged read brings pages in and leaves them')
  const whole = await call(od.base, 'GET', '/sda/3/AUTH_a/c/large')
  t.equal(whole.body.length, 4 * 1024 * 1024)
  await until('the large data file to leave the page cache after a whole read', async () => await residentPages(large) === 0 ? true : undefined, 10_000)
  t.ok(await residentPages(small) > 0, 'reading the large one did not touch the small one')
})
