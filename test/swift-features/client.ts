/**
 * A Swift API client for the feature tests: one logged-in user of a fresh cluster, plain fetch
 * with the token, and a raw request for what fetch will not send (bodies of unknown length).
 */
import { startCluster, type TestCluster } from '../helpers/cluster.js'
import type { Teardown } from '../helpers/process.js'

export interface Answer {
  status: number
  headers: Headers
  text: string
  bytes: Buffer
}

export interface SwiftClient {
  cluster: TestCluster
  /** The account's storage URL, e.g. http://127.0.0.1:port/v1/AUTH_test */
  storageUrl: string
  token: string
  /** A request on `path` relative to the storage URL; `token: false` sends none. */
  call: (method: string, path: string, opts?: { headers?: Record<string, string>, body?: string | Buffer, token?: boolean | string }) => Promise<Answer>
}

/** Starting a cluster on a machine shared with other suites can miss the helper's 20 s: tried three times. */
async function startPatiently (t: Teardown, overrides?: Record<string, Record<string, unknown>>): Promise<TestCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCluster(t, { overrides })
    } catch (err) {
      if (attempt === 3) throw err
    }
  }
}

export async function swiftClient (t: Teardown, overrides?: Record<string, Record<string, unknown>>): Promise<SwiftClient> {
  const cluster = await startPatiently(t, overrides)
  const { token, storageUrl } = await cluster.auth()
  return {
    cluster,
    storageUrl,
    token,
    call: async (method, path, opts = {}) => {
      const headers: Record<string, string> = { ...opts.headers }
      if (opts.token !== false) headers['x-auth-token'] = typeof opts.token === 'string' ? opts.token : token
      const res = await fetch(`${storageUrl}${path}`, { method, headers, body: opts.body, redirect: 'manual' })
      const bytes = Buffer.from(await res.arrayBuffer())
      return { status: res.status, headers: res.headers, text: bytes.toString('utf8'), bytes }
    }
  }
}
