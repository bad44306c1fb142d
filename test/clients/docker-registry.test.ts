// Debian's docker-registry (distribution 2.8) storing images in a real cluster, first with its
// swift storage driver, then with its s3 driver; skopeo pushes a small image built here as an
// OCI layout (one gzip layer of 12 MB, so uploads go in several chunks) and pulls it back.
// Missing tools are failures, not skips.
import t, { type Test } from 'tap'
import { execFile, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { pack } from 'tar-stream'
import { startCluster } from '../helpers/cluster.js'
import { freePort, tempDir } from '../helpers/process.js'

const run = promisify(execFile)
const cluster = await startCluster(t)
const dir = await tempDir(t)
const { token, storageUrl } = await cluster.auth()

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')

async function tarOf (files: Record<string, Buffer>): Promise<Buffer> {
  const p = pack()
  for (const [name, content] of Object.entries(files)) p.entry({ name, size: content.length, mode: 0o644 }, content)
  p.finalize()
  const chunks: Buffer[] = []
  for await (const chunk of p) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** An OCI image layout with one layer; returns the layer's digest. */
async function buildImage (layout: string): Promise<string> {
  const blobs = join(layout, 'blobs', 'sha256')
  await mkdir(blobs, { recursive: true })
  const addBlob = async (content: Buffer | string): Promise<{ digest: string, size: number }> => {
    const hex = sha256(content)
    await writeFile(join(blobs, hex), content)
    return { digest: `sha256:${hex}`, size: Buffer.byteLength(content) }
  }
  const tar = await tarOf({ 'hello.txt': Buffer.from('hello from ringstore\n'), 'data.bin': randomBytes(12 * 1024 * 1024) })
  const layer = await addBlob(gzipSync(tar))
  const config = await addBlob(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/true'] }, rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(tar)}`] }
  }))
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }]
  })
  const m = await addBlob(manifest)
  await writeFile(join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }]
  }))
  await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  return layer.digest
}

/** Starts docker-registry with `storage` (YAML lines) on a free port; stopped at teardown. */
async function startRegistry (t: Test, name: string, storage: string): Promise<string> {
  const port = await freePort()
  const config = join(dir, `${name}.yml`)
  await writeFile(config, `version: 0.1\nlog:\n  level: warn\nstorage:\n${storage}\n  delete:\n    enabled: true\n  redirect:\n    disable: true\nhttp:\n  addr: 127.0.0.1:${port}\n`)
  // The registry's AWS SDK refuses a custom CA bundle with its own transport: the cluster is plain HTTP anyway.
  const { AWS_CA_BUNDLE: _bundle, ...env } = process.env
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'], env })
  let output = ''
  child.stdout.on('data', (d: Buffer) => { output += d.toString() })
  child.stderr.on('data', (d: Buffer) => { output += d.toString() })
  t.teardown(() => { child.kill('SIGKILL') })
  const url = `127.0.0.1:${port}`
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`http://${url}/v2/`).then((r) => r.status === 200, () => false)
    if (up) return url
    if (child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`docker-registry did not start:\n${output}`)
}

async function skopeo (...args: string[]): Promise<string> {
  const { stdout } = await run('skopeo', ['--insecure-policy', ...args], { cwd: dir, maxBuffer: 16 * 1024 * 1024 })
  return stdout
}

const layout = join(dir, 'image')
const layerDigest = await buildImage(layout)

async function pushAndPull (t: Test, registry: string, name: string): Promise<void> {
  await skopeo('copy', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${registry}/ringstore/${name}:v1`)
  const inspect = JSON.parse(await skopeo('inspect', '--tls-verify=false', `docker://${registry}/ringstore/${name}:v1`)) as { Layers: string[] }
  t.same(inspect.Layers, [layerDigest])
  const pulled = join(dir, `pulled-${name}`)
  await skopeo('copy', '--src-tls-verify=false', `docker://${registry}/ringstore/${name}:v1`, `dir:${pulled}`)
  const blob = await readFile(join(pulled, layerDigest.replace('sha256:', '')))
  t.equal(`sha256:${sha256(blob)}`, layerDigest, 'the layer pulled back byte for byte')
  const tags = await (await fetch(`http://${registry}/v2/ringstore/${name}/tags/list`)).json() as { tags: string[] }
  t.same(tags.tags, ['v1'])
}

t.test('swift storage driver', async (t) => {
  const registry = await startRegistry(t, 'swift', [
    '  swift:',
    `    authurl: ${cluster.url}/auth/v1.0`,
    '    username: test:tester',
    '    password: testing',
    '    authversion: 1',
    '    container: registry',
    '    chunksize: 5242880'
  ].join('\n'))
  await pushAndPull(t, registry, 'swift-image')
  const listing = await (await fetch(`${storageUrl}/registry?prefix=files/docker/registry/v2/blobs/`, { headers: { 'x-auth-token': token } })).text()
  t.ok(listing.includes(layerDigest.slice(7, 20)), 'the layer is stored in the registry container')
})

t.test('s3 storage driver', async (t) => {
  t.equal((await fetch(`${storageUrl}/registry-s3`, { method: 'PUT', headers: { 'x-auth-token': token } })).status, 201)
  const registry = await startRegistry(t, 's3', [
    '  s3:',
    '    accesskey: "test:tester"',
    '    secretkey: testing',
    '    region: us-east-1',
    `    regionendpoint: ${cluster.url}`,
    '    bucket: registry-s3',
    '    secure: false',
    '    v4auth: true',
    '    chunksize: 5242880'
  ].join('\n'))
  await pushAndPull(t, registry, 's3-image')
})
