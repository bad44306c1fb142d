// The real swift CLI (Debian's python3-swiftclient) against a real cluster. In CI a missing
// client is a failure, not a skip.
import t from 'tap'
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startCluster } from '../helpers/cluster.js'
import { tempDir } from '../helpers/process.js'

const run = promisify(execFile)
const cluster = await startCluster(t)
const dir = await tempDir(t)

async function swift (...args: string[]): Promise<string> {
  const { stdout } = await run('swift', ['-A', `${cluster.url}/auth/v1.0`, '-U', 'test:tester', '-K', 'testing', ...args],
    { cwd: dir, maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

async function md5File (file: string): Promise<string> {
  return createHash('md5').update(await readFile(file)).digest('hex')
}

t.test('upload, list, stat, post, download and delete a 100 MB file and a tree', async (t) => {
  const src = join(dir, 'src')
  await mkdir(join(src, 'tree', 'sub'), { recursive: true })
  const big = join(src, 'big.bin')
  const chunk = randomBytes(1024 * 1024)
  const parts: Buffer[] = []
  for (let i = 0; i < 100; i++) { chunk[0] = i; parts.push(Buffer.from(chunk)) }
  await writeFile(big, Buffer.concat(parts))
  for (let i = 0; i < 5; i++) await writeFile(join(src, 'tree', `f${i}.txt`), `file ${i}\n`)
  await writeFile(join(src, 'tree', 'sub', 'deep.txt'), 'deep\n')

  await swift('upload', 'cli', 'src/big.bin')
  await swift('upload', 'cli', 'src/tree')
  const listing = (await swift('list', 'cli')).trim().split('\n').sort()
  t.same(listing, ['src/big.bin', 'src/tree/f0.txt', 'src/tree/f1.txt', 'src/tree/f2.txt', 'src/tree/f3.txt', 'src/tree/f4.txt', 'src/tree/sub/deep.txt'])
  const stat = await swift('stat', 'cli', 'src/big.bin')
  t.match(stat, /Content Length: 104857600/)
  await swift('post', '-m', 'color:green', 'cli', 'src/big.bin')
  t.match(await swift('stat', 'cli', 'src/big.bin'), /Meta Color: green/)
  t.match(await swift('stat'), /Containers: 1/)

  const out = join(dir, 'out')
  await mkdir(out)
  await run('swift', ['-A', `${cluster.url}/auth/v1.0`, '-U', 'test:tester', '-K', 'testing', 'download', 'cli'], { cwd: out })
  t.equal(await md5File(join(out, 'src', 'big.bin')), await md5File(big), 'big file byte for byte')
  t.same((await readdir(join(out, 'src', 'tree'))).sort(), ['f0.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'sub'])
  t.equal(await readFile(join(out, 'src', 'tree', 'sub', 'deep.txt'), 'utf8'), 'deep\n')

  await swift('delete', 'cli')
  t.equal((await swift('list')).trim(), '')
})
