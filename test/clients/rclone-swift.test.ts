// rclone's swift backend against a real cluster: copy, sync, check and lsf in both directions.
import t from 'tap'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startCluster } from '../helpers/cluster.js'
import { tempDir } from '../helpers/process.js'

const run = promisify(execFile)
const cluster = await startCluster(t)
const dir = await tempDir(t)

async function rclone (...args: string[]): Promise<string> {
  const { stdout } = await run('rclone', [
    '--config', '/dev/null', '--swift-auth', `${cluster.url}/auth/v1.0`, '--swift-user', 'test:tester', '--swift-key', 'testing',
    ...args
  ], { maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

t.test('copy, sync, check and lsf both ways', async (t) => {
  const src = join(dir, 'src')
  await mkdir(join(src, 'a', 'b'), { recursive: true })
  for (let i = 0; i < 10; i++) await writeFile(join(src, 'a', `f${i}`), randomBytes(1000 + i * 3000))
  await writeFile(join(src, 'a', 'b', 'big'), randomBytes(8 * 1024 * 1024))
  await rclone('copy', src, ':swift:rc')
  const lsf = (await rclone('lsf', '-R', ':swift:rc')).trim().split('\n').sort()
  t.ok(lsf.includes('a/b/big'))
  t.equal(lsf.filter((l) => !l.endsWith('/')).length, 11)
  await rclone('check', src, ':swift:rc')

  await rm(join(src, 'a', 'f0'))
  await writeFile(join(src, 'a', 'new'), 'new file')
  await rclone('sync', src, ':swift:rc')
  await rclone('check', src, ':swift:rc')
  const after = (await rclone('lsf', '-R', ':swift:rc')).trim().split('\n')
  t.notOk(after.includes('a/f0'), 'sync removed the deleted file')
  t.ok(after.includes('a/new'))

  const back = join(dir, 'back')
  await rclone('copy', ':swift:rc', back)
  await run('rclone', ['--config', '/dev/null', 'check', src, back])
  t.pass('downloaded tree matches')
})
