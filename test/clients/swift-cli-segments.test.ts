// The real swift CLI (Debian's python3-swiftclient) uploading a 300 MB file in segments, as
// SLO (--use-slo) and as DLO, downloading it and comparing bytes; then deleting it with its
// segments. In CI a missing client is a failure, not a skip.
import t from 'tap'
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startCluster } from '../helpers/cluster.js'
import { tempDir } from '../helpers/process.js'

const run = promisify(execFile)
const cluster = await startCluster(t)
const dir = await tempDir(t)
const SIZE_MB = 300

async function swift (...args: string[]): Promise<string> {
  const { stdout } = await run('swift', ['-A', `${cluster.url}/auth/v1.0`, '-U', 'test:tester', '-K', 'testing', ...args],
    { cwd: dir, maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

async function md5File (file: string): Promise<string> {
  const hash = createHash('md5')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

async function writeBigFile (file: string): Promise<void> {
  const out = createWriteStream(file)
  const chunk = randomBytes(1024 * 1024)
  for (let i = 0; i < SIZE_MB; i++) {
    chunk.writeUInt32BE(i, 0)
    if (!out.write(Buffer.from(chunk))) await new Promise<void>((resolve) => { out.once('drain', () => { resolve() }) })
  }
  await new Promise<void>((resolve, reject) => { out.end(() => { resolve() }); out.once('error', reject) })
}

const big = join(dir, 'image.raw')
await writeBigFile(big)
const expected = await md5File(big)

for (const mode of ['slo', 'dlo'] as const) {
  t.test(`${SIZE_MB} MB in 64 MB segments as ${mode.toUpperCase()}`, async (t) => {
    const container = `seg-${mode}`
    await swift('upload', container, 'image.raw', '--segment-size', String(64 * 1024 * 1024), ...(mode === 'slo' ? ['--use-slo'] : []))
    const stat = await swift('stat', container, 'image.raw')
    t.match(stat, new RegExp(`Content Length: ${SIZE_MB * 1024 * 1024}`))
    t.match(stat, mode === 'slo' ? /Static Large Object: True|X-Static-Large-Object: True/i : /Manifest: seg-dlo_segments\//)
    if (mode === 'slo') {
      const listed = await swift('list', '--lh', container)
      t.match(listed, /^ *300M \S+ \S+ +[^\s;]+ image\.raw$/m, 'listed with the whole size, the content type without swift_bytes')
    }
    const segments = (await swift('list', `${container}_segments`)).trim().split('\n')
    t.equal(segments.length, 5, 'five segments')
    const out = join(dir, `out-${mode}`)
    await mkdir(out)
    await swift('download', container, 'image.raw', '-o', join(out, 'image.raw'))
    t.equal(await md5File(join(out, 'image.raw')), expected, 'byte for byte')
    await swift('delete', container, 'image.raw')
    t.equal((await swift('list', `${container}_segments`)).trim(), '', 'segments deleted with the object')
  })
}
