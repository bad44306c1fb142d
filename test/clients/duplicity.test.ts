// duplicity (Debian's package) backing up a directory tree to swift:// and to an S3 URL on a
// real cluster, full then incremental, in 5 MB volumes, and restoring it byte for byte. A
// missing duplicity is a failure, not a skip.
import t from 'tap'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { startCluster } from '../helpers/cluster.js'
import { tempDir } from '../helpers/process.js'

const run = promisify(execFile)
const cluster = await startCluster(t)
const dir = await tempDir(t)
const env = {
  ...process.env,
  SWIFT_AUTHURL: `${cluster.url}/auth/v1.0`,
  SWIFT_USERNAME: 'test:tester',
  SWIFT_PASSWORD: 'testing',
  SWIFT_AUTHVERSION: '1',
  // duplicity 0.8's swift backend stats objects through swiftclient's SwiftService, which takes
  // v1 credentials from ST_* only (without them it tries Keystone and retries for minutes).
  ST_AUTH: `${cluster.url}/auth/v1.0`,
  ST_USER: 'test:tester',
  ST_KEY: 'testing',
  AWS_ACCESS_KEY_ID: 'test:tester',
  AWS_SECRET_ACCESS_KEY: 'testing'
}

async function duplicity (...args: string[]): Promise<string> {
  const { stdout } = await run('duplicity', ['--no-encryption', '--archive-dir', join(dir, 'archive'), '--volsize', '5', ...args],
    { env, cwd: dir, maxBuffer: 16 * 1024 * 1024 })
  return stdout
}

/** Every file under `root`, relative path → contents. */
async function tree (root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.set(relative(root, join(entry.parentPath, entry.name)), await readFile(join(entry.parentPath, entry.name)))
  }
  return out
}

async function makeTree (root: string): Promise<void> {
  await mkdir(join(root, 'home', 'docs'), { recursive: true })
  await mkdir(join(root, 'var', 'lib'), { recursive: true })
  await writeFile(join(root, 'var', 'lib', 'db.bin'), randomBytes(12 * 1024 * 1024))
  for (let i = 0; i < 30; i++) await writeFile(join(root, 'home', 'docs', `note-${i}.txt`), `note ${i}\n`.repeat(i + 1))
}

for (const [label, url] of [
  ['swift', 'swift://duplicity/host1'],
  ['s3', `boto3+s3://duplicity-s3/host1`]
] as const) {
  t.test(`full and incremental backup to ${label}, then restore`, async (t) => {
    const s3 = label === 's3' ? ['--s3-endpoint-url', cluster.url, '--s3-region-name', 'us-east-1'] : []
    const src = join(dir, `src-${label}`)
    await makeTree(src)
    if (label === 's3') {
      const { token, storageUrl } = await cluster.auth()
      t.equal((await fetch(`${storageUrl}/duplicity-s3`, { method: 'PUT', headers: { 'x-auth-token': token } })).status, 201)
    }
    t.match(await duplicity('full', ...s3, src, url), /Errors 0/)
    await writeFile(join(src, 'home', 'docs', 'note-0.txt'), 'changed\n')
    await writeFile(join(src, 'home', 'new.txt'), 'new file\n')
    t.match(await duplicity('incremental', ...s3, src, url), /Errors 0/)
    t.match(await duplicity('collection-status', ...s3, url), /Full\s+.*\n.*Incremental/s)
    const restored = join(dir, `restored-${label}`)
    await duplicity('restore', ...s3, url, restored)
    const want = await tree(src)
    const got = await tree(restored)
    t.same([...got.keys()].sort(), [...want.keys()].sort(), 'the same files')
    t.ok([...want].every(([name, bytes]) => got.get(name)?.equals(bytes) === true), 'byte for byte')
  })
}
