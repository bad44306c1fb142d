/**
 * A real multi-process cluster for functional tests: the same layout as `npm start` (four
 * storage nodes in 2 regions x 2 zones, 3 replicas) in a fresh temp dir on free ports, every
 * daemon a child process of the compiled CLI. Nodes can be killed and restarted.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { prepareLayout, type LocalLayout } from '../../src/local/layout.js'
import { freePort, spawnCli, tempDir, waitForHealthy, type Daemon, type Teardown } from './process.js'

export interface TestCluster {
  url: string
  layout: LocalLayout
  proxy: Daemon
  nodes: Array<Daemon | undefined>
  stopNode: (i: number) => Promise<void>
  startNode: (i: number) => Promise<void>
  /**
   * Starts one more proxy of the same cluster on a free port, from a copy of the proxy config
   * with `sections` merged in (e.g. `{ keystone: {...} }`); answers its base URL.
   */
  addProxy: (sections?: Record<string, Record<string, unknown>>) => Promise<{ url: string, daemon: Daemon }>
  /** Logs in with tempauth; returns the token and the account's storage URL. */
  auth: (user?: string, key?: string) => Promise<{ token: string, storageUrl: string }>
}

export interface ClusterOptions {
  overrides?: Record<string, Record<string, unknown>>
  partPower?: number
}

export async function startCluster (t: Teardown, opts: ClusterOptions = {}): Promise<TestCluster> {
  const dir = await tempDir(t, 'ringstore-cluster-')
  const proxyPort = await freePort()
  const nodePorts = [await freePort(), await freePort(), await freePort(), await freePort()]
  const layout = await prepareLayout({
    dataDir: join(dir, 'data'),
    proxyPort,
    nodePorts,
    partPower: opts.partPower ?? 8,
    overrides: {
      ...opts.overrides,
      proxy: { log_level: 'warn', ...opts.overrides?.proxy },
      objectd: { log_level: 'warn', ...opts.overrides?.objectd }
    }
  })
  const nodes: Array<Daemon | undefined> = []
  const startNode = async (i: number): Promise<void> => {
    const node = layout.nodes[i]
    const daemon = spawnCli(t, ['objectd', '--config', node.config])
    nodes[i] = daemon
    await waitForHealthy(`http://127.0.0.1:${node.port}/healthcheck`, daemon)
  }
  await Promise.all(layout.nodes.map(async (_n, i) => { await startNode(i) }))
  const proxy = spawnCli(t, ['proxy', '--config', layout.proxyConfig])
  const url = `http://127.0.0.1:${proxyPort}`
  await waitForHealthy(`${url}/healthcheck`, proxy)
  return {
    url,
    layout,
    proxy,
    nodes,
    startNode,
    stopNode: async (i) => {
      await nodes[i]?.kill('SIGKILL')
      nodes[i] = undefined
    },
    addProxy: async (sections = {}) => {
      const port = await freePort()
      const config = JSON.parse(await readFile(layout.proxyConfig, 'utf8')) as Record<string, Record<string, unknown>>
      config.proxy.bind_port = port
      for (const [name, values] of Object.entries(sections)) config[name] = { ...config[name], ...values }
      const file = join(dir, `proxy-${port}.json`)
      await writeFile(file, JSON.stringify(config))
      const daemon = spawnCli(t, ['proxy', '--config', file])
      const proxyUrl = `http://127.0.0.1:${port}`
      await waitForHealthy(`${proxyUrl}/healthcheck`, daemon)
      return { url: proxyUrl, daemon }
    },
    auth: async (user = 'test:tester', key = 'testing') => {
      const res = await fetch(`${url}/auth/v1.0`, { headers: { 'x-auth-user': user, 'x-auth-key': key } })
      if (res.status !== 200) throw new Error(`auth as ${user} failed: ${res.status}`)
      return { token: res.headers.get('x-auth-token') ?? '', storageUrl: res.headers.get('x-storage-url') ?? '' }
    }
  }
}
