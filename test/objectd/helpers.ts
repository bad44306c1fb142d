/** Starts a real objectd process for a test, with fresh devices and a free port. */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { request } from 'undici'
import { freePort, spawnCli, tempDir, waitForHealthy, type Daemon, type Teardown } from '../helpers/process.js'

export interface Objectd {
  base: string
  port: number
  root: string
  devicesDir: string
  configFile: string
  daemon: Daemon
  /** Starts the process again on the same config (after a kill). */
  restart: () => Promise<void>
}

export interface ObjectdOptions {
  devices?: string[]
  objectd?: Record<string, unknown>
}

export async function startObjectd (t: Teardown, opts: ObjectdOptions = {}): Promise<Objectd> {
  const root = await tempDir(t, 'ringstore-objectd-')
  const devicesDir = join(root, 'srv')
  for (const d of opts.devices ?? ['sda']) await mkdir(join(devicesDir, d), { recursive: true })
  const port = await freePort()
  const configFile = join(root, 'objectd.json')
  await writeFile(configFile, JSON.stringify({
    cluster: {
      ring_dir: join(root, 'rings'),
      hash_path_suffix: 'test-secret',
      policies: [{ index: 0, name: 'gold', default: true }, { index: 1, name: 'silver' }]
    },
    objectd: { bind_port: port, devices: devicesDir, inline_max_bytes: 1024, log_level: 'warn', ...opts.objectd }
  }))
  const base = `http://127.0.0.1:${port}`
  const od: Objectd = {
    base, port, root, devicesDir, configFile,
    daemon: spawnCli(t, ['objectd', '--config', configFile]),
    restart: async () => {
      od.daemon = spawnCli(t, ['objectd', '--config', configFile])
      await waitForHealthy(`${base}/healthcheck`, od.daemon)
    }
  }
  await waitForHealthy(`${base}/healthcheck`, od.daemon)
  return od
}

export interface Reply {
  status: number
  headers: Record<string, string>
  body: Buffer
  text: string
}

/** One request; headers and body as given (no redirects, no retries). */
export async function call (base: string, method: string, path: string, headers: Record<string, string> = {},
  body?: string | Buffer | Readable): Promise<Reply> {
  const res = await request(base + path, { method: method as 'GET', headers, body })
  const buf = Buffer.from(await res.body.arrayBuffer())
  const flat: Record<string, string> = {}
  for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(',') : String(v)
  return { status: res.statusCode, headers: flat, body: buf, text: buf.toString('utf8') }
}

let tick = 0
/** Distinct increasing timestamps for one test process. */
export function ts (): string {
  tick++
  return (1700000000 + tick / 100).toFixed(5)
}
