// restic (Debian's package) with a swift repository on a real cluster: init, backup, check,
// restore, and a second backup that adds only what changed. A missing restic is a failure.
import t from 'tap'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startCluster } from '../helpers/cluster.js'
import { tempDir } from '../helpers/process.js'

const run = promisify(execFile)
const cluster = await startCluster(t)
const dir = await tempDir(t)
const env = {
  ...process.env,
  ST_AUTH: `${cluster.url}/auth/v1.0`,
  ST_USER: 'test:tester',
  ST_KEY: 'testing',
  RESTIC_PASSWORD: 'restic-test-password',
  RESTIC_REPOSITORY: 'swift:restic:/backups',
  RESTIC_CACHE_DIR: join(dir, 'cache')
}

async function restic (...args: string[]): Promise<string> {
  const { stdout } = await run('restic', args, { env, cwd: dir, maxBuffer: 16 * 1024 * 1024 })
  return stdout
}

t.test('init, backup, check, restore', async (t) => {
  const src = join(dir, 'data')
  await mkdir(join(src, 'etc', 'nested'), { recursive: true })
  const blob = randomBytes(12 * 1024 * 1024)
  await writeFile(join(src, 'disk.img'), blob)
  await writeFile(join(src, 'etc', 'hosts'), '127.0.0.1 localhost\n')
  for (let i = 0; i < 20; i++) await writeFile(join(src, 'etc', 'nested', `f${i}`), `file ${i}\n`)

  t.match(await restic('init'), /created restic repository/)
  t.match(await restic('backup', src), /snapshot [0-9a-f]+ saved/)
  await writeFile(join(src, 'etc', 'hosts'), '127.0.0.1 localhost changed\n')
  t.match(await restic('backup', src), /snapshot [0-9a-f]+ saved/)
  t.match(await restic('check', '--read-data'), /no errors were found/)
  const snapshots = JSON.parse(await restic('snapshots', '--json')) as unknown[]
  t.equal(snapshots.length, 2)
  const target = join(dir, 'restored')
  await restic('restore', 'latest', '--target', target)
  t.ok((await readFile(join(target, src, 'disk.img'))).equals(blob), 'the large file byte for byte')
  t.equal(await readFile(join(target, src, 'etc', 'hosts'), 'utf8'), '127.0.0.1 localhost changed\n')
  t.equal(await readFile(join(target, src, 'etc', 'nested', 'f19'), 'utf8'), 'file 19\n')
})
