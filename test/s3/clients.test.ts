// The real S3 clients from Debian against a real cluster: the aws CLI (s3 and s3api, a 200 MB
// multipart upload), rclone's s3 backend, s3cmd with SigV2, restic with an s3 repository, and the
// swift CLI reading what S3 wrote and the other way round. A missing client fails the test.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { startCluster } from '../helpers/cluster.js'
import { tempDir } from '../helpers/process.js'

const cluster = await startCluster(t)
const dir = await tempDir(t, 'ringstore-s3-clients-')
const port = new URL(cluster.url).port

interface Run { stdout: string, stderr: string }

function run (cmd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`))
      else resolve({ stdout, stderr })
    })
  })
}

async function md5File (path: string): Promise<string> {
  const hash = createHash('md5')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** A tree of files of assorted sizes, one of `bigMiB` MiB when asked. */
async function makeTree (root: string, bigMiB = 0): Promise<void> {
  await mkdir(join(root, 'sub', 'deeper'), { recursive: true })
  await writeFile(join(root, 'small.txt'), 'small file\n')
  await writeFile(join(root, 'sub', 'medium.bin'), Buffer.alloc(300_000, 'm'))
  await writeFile(join(root, 'sub', 'deeper', 'name with spaces+plus.txt'), 'awkward name\n')
  if (bigMiB > 0) {
    const big = Buffer.alloc(bigMiB * 1024 * 1024)
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i)
    await writeFile(join(root, 'big.bin'), big)
  }
}

const awsConfig = join(dir, 'aws-config')
await writeFile(awsConfig, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n')
const awsEnv = { AWS_ACCESS_KEY_ID: 'test:tester', AWS_SECRET_ACCESS_KEY: 'testing', AWS_CONFIG_FILE: awsConfig, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') }
// Debian's aws CLI (v2) by its path: a v1 installed with pip may come first on PATH, and v1
// copies between S3 locations without the source's tags.
const aws = async (...args: string[]): Promise<string> => (await run('/usr/bin/aws', ['--endpoint-url', cluster.url, ...args], awsEnv)).stdout

t.test('aws CLI: mb, cp (200 MB multipart), sync, ls, s3api, rm', async (t) => {
  const tree = join(dir, 'aws-tree')
  await makeTree(tree)
  await aws('s3', 'mb', 's3://awscli')
  const big = join(dir, 'aws-big.bin')
  const bytes = Buffer.alloc(200 * 1024 * 1024)
  for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32LE(i ^ 0x5a5a5a5a, i)
  await writeFile(big, bytes)
  await aws('s3', 'cp', big, 's3://awscli/big.bin')
  const head = JSON.parse(await aws('s3api', 'head-object', '--bucket', 'awscli', '--key', 'big.bin')) as { ContentLength: number, ETag: string }
  t.equal(head.ContentLength, 200 * 1024 * 1024)
  t.match(head.ETag, /-\d+"$/, 'a multipart ETag')
  await aws('s3', 'cp', 's3://awscli/big.bin', join(dir, 'aws-big.back'))
  t.equal(await md5File(join(dir, 'aws-big.back')), await md5File(big), '200 MB round trip')
  // A copy between S3 locations above the multipart threshold reads the source's tags first.
  await aws('s3api', 'put-object-tagging', '--bucket', 'awscli', '--key', 'big.bin', '--tagging', 'TagSet=[{Key=kind,Value=big}]')
  await aws('s3', 'cp', 's3://awscli/big.bin', 's3://awscli/big-copy.bin')
  const copied = JSON.parse(await aws('s3api', 'head-object', '--bucket', 'awscli', '--key', 'big-copy.bin')) as { ContentLength: number }
  t.equal(copied.ContentLength, 200 * 1024 * 1024, 's3 cp from S3 to S3')
  const tags = JSON.parse(await aws('s3api', 'get-object-tagging', '--bucket', 'awscli', '--key', 'big-copy.bin')) as { TagSet: unknown[] }
  t.same(tags.TagSet, [{ Key: 'kind', Value: 'big' }], 'with the tags')
  await aws('s3', 'sync', tree, 's3://awscli/tree')
  const listed = await aws('s3', 'ls', '--recursive', 's3://awscli/tree/')
  t.match(listed, /tree\/sub\/deeper\/name with spaces\+plus\.txt/)
  t.equal((await aws('s3', 'sync', tree, 's3://awscli/tree')).trim(), '', 'a second sync has nothing to do')
  await aws('s3', 'sync', 's3://awscli/tree', join(dir, 'aws-back'))
  t.equal(await readFile(join(dir, 'aws-back', 'sub', 'deeper', 'name with spaces+plus.txt'), 'utf8'), 'awkward name\n')
  const v2 = JSON.parse(await aws('s3api', 'list-objects-v2', '--bucket', 'awscli', '--prefix', 'tree/', '--delimiter', '/')) as { CommonPrefixes: Array<{ Prefix: string }> }
  t.same(v2.CommonPrefixes.map((p) => p.Prefix), ['tree/sub/'])
  t.match(await aws('s3', 'ls'), /awscli/)
  await aws('s3', 'rm', '--recursive', 's3://awscli/')
  await aws('s3', 'rb', 's3://awscli')
  t.notMatch(await aws('s3', 'ls'), /awscli/)
})

const rcloneEnv = {
  RCLONE_CONFIG_RS_TYPE: 's3',
  RCLONE_CONFIG_RS_PROVIDER: 'Other',
  RCLONE_CONFIG_RS_ACCESS_KEY_ID: 'test:tester',
  RCLONE_CONFIG_RS_SECRET_ACCESS_KEY: 'testing',
  RCLONE_CONFIG_RS_ENDPOINT: cluster.url,
  RCLONE_CONFIG_RS_REGION: 'us-east-1',
  RCLONE_CONFIG_RS_FORCE_PATH_STYLE: 'true',
  RCLONE_CONFIG: join(dir, 'rclone.conf'),
  // rclone's AWS SDK cannot load a CA bundle into its own HTTP transport: plain HTTP needs none.
  AWS_CA_BUNDLE: ''
}
const rclone = async (...args: string[]): Promise<string> => (await run('rclone', ['--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M', ...args], rcloneEnv)).stdout

t.test('rclone s3 backend: mkdir, copy, sync, check, multipart', async (t) => {
  const tree = join(dir, 'rclone-tree')
  await makeTree(tree, 12)
  await rclone('mkdir', 'rs:rclone')
  await rclone('copy', tree, 'rs:rclone/copy')
  await rclone('check', tree, 'rs:rclone/copy')
  await writeFile(join(tree, 'small.txt'), 'changed\n')
  await rclone('sync', tree, 'rs:rclone/copy')
  await rclone('check', '--download', tree, 'rs:rclone/copy')
  const size = JSON.parse(await rclone('size', '--json', 'rs:rclone/copy')) as { count: number, bytes: number }
  t.equal(size.count, 4)
  t.equal(size.bytes, 12 * 1024 * 1024 + 300_000 + 'changed\n'.length + 'awkward name\n'.length)
  await rclone('copy', 'rs:rclone/copy', join(dir, 'rclone-back'))
  t.equal(await md5File(join(dir, 'rclone-back', 'big.bin')), await md5File(join(tree, 'big.bin')))
  await rclone('purge', 'rs:rclone')
})

t.test('s3cmd with SigV2: mb, put, ls, get, sync, del', async (t) => {
  const conf = join(dir, 's3cfg')
  await writeFile(conf, [
    '[default]', 'access_key = test:tester', 'secret_key = testing', `host_base = 127.0.0.1:${port}`, `host_bucket = 127.0.0.1:${port}`,
    'use_https = False', 'signature_v2 = True', 'check_ssl_certificate = False', ''
  ].join('\n'))
  const s3cmd = async (...args: string[]): Promise<string> => (await run('s3cmd', ['-c', conf, '--signature-v2', ...args])).stdout
  const tree = join(dir, 's3cmd-tree')
  await makeTree(tree)
  await s3cmd('mb', 's3://s3cmd')
  await s3cmd('put', join(tree, 'small.txt'), 's3://s3cmd/one/small.txt')
  t.match(await s3cmd('ls', 's3://s3cmd/one/'), /s3:\/\/s3cmd\/one\/small\.txt/)
  await s3cmd('get', 's3://s3cmd/one/small.txt', join(dir, 's3cmd-small.txt'))
  t.equal(await readFile(join(dir, 's3cmd-small.txt'), 'utf8'), 'small file\n')
  await s3cmd('sync', `${tree}/`, 's3://s3cmd/tree/')
  t.match(await s3cmd('ls', '--recursive', 's3://s3cmd/tree/'), /name with spaces\+plus\.txt/)
  await s3cmd('del', '--recursive', '--force', 's3://s3cmd/')
  await s3cmd('rb', 's3://s3cmd')
  t.notMatch(await s3cmd('ls'), /s3cmd/)
})

t.test('restic with an s3 repository: init, backup, check, restore', async (t) => {
  const env = { ...awsEnv, RESTIC_REPOSITORY: `s3:${cluster.url}/restic`, RESTIC_PASSWORD: 'restic test password', RESTIC_CACHE_DIR: join(dir, 'restic-cache') }
  const tree = join(dir, 'restic-tree')
  await makeTree(tree, 3)
  await run('restic', ['init'], env)
  await run('restic', ['backup', tree], env)
  await run('restic', ['check', '--read-data'], env)
  await run('restic', ['restore', 'latest', '--target', join(dir, 'restic-back')], env)
  t.equal(await md5File(join(dir, 'restic-back', tree, 'big.bin')), await md5File(join(tree, 'big.bin')))
  t.equal(await readFile(join(dir, 'restic-back', tree, 'sub', 'deeper', 'name with spaces+plus.txt'), 'utf8'), 'awkward name\n')
})

t.test('swift CLI reads what S3 wrote, and S3 reads what Swift wrote', async (t) => {
  const swift = async (...args: string[]): Promise<string> =>
    (await run('swift', ['-A', `${cluster.url}/auth/v1.0`, '-U', 'test:tester', '-K', 'testing', ...args])).stdout
  const tree = join(dir, 'interop-tree')
  await makeTree(tree, 12)
  await aws('s3', 'mb', 's3://interop')
  await aws('s3', 'cp', '--recursive', tree, 's3://interop/from-s3/')
  await swift('download', 'interop', '--prefix', 'from-s3/', '-D', join(dir, 'swift-back'), '--remove-prefix')
  t.equal(await md5File(join(dir, 'swift-back', 'big.bin')), await md5File(join(tree, 'big.bin')), 'a multipart upload reads whole through Swift')
  t.match(await swift('list', 'interop'), /from-s3\/sub\/medium\.bin/)
  await swift('upload', 'interop', tree, '--object-name', 'from-swift')
  await aws('s3', 'cp', '--recursive', 's3://interop/from-swift/', join(dir, 'aws-from-swift'))
  t.equal(await md5File(join(dir, 'aws-from-swift', 'sub', 'medium.bin')), await md5File(join(tree, 'sub', 'medium.bin')))
  t.match(await swift('list'), /interop\+segments/, 'Swift sees the segments container, as with Swift\'s s3api')
  t.notMatch(await aws('s3', 'ls'), /\+segments/, 'S3 ListBuckets hides it')
})
