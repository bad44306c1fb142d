/** The Swift API for the load generator: v1.0 auth, then plain requests over one keep-alive pool. */
import { Pool } from 'undici'
import type { BenchClient, Endpoint, RunScope } from './clients.js'
import { exchange } from './exchange.js'

async function login (endpoint: Endpoint): Promise<{ token: string, storageUrl: string }> {
  const res = await fetch(endpoint.auth, { headers: { 'x-auth-user': endpoint.user, 'x-auth-key': endpoint.key } })
  if (res.status !== 200) throw new Error(`auth as ${endpoint.user} at ${endpoint.auth} failed: ${res.status}`)
  return { token: res.headers.get('x-auth-token') ?? '', storageUrl: res.headers.get('x-storage-url') ?? '' }
}

export async function openSwiftClient (endpoint: Endpoint, scope: RunScope): Promise<BenchClient> {
  const { token, storageUrl } = await login(endpoint)
  const url = new URL(storageUrl)
  const pool = new Pool(url.origin, { connections: scope.concurrency, pipelining: 1 })
  const container = `${url.pathname}/${encodeURIComponent(scope.container)}`
  const objectPath = (name: string): string => `${container}/${encodeURIComponent(name)}`
  const call = async (method: 'PUT' | 'GET' | 'HEAD' | 'DELETE', path: string, body?: Buffer): Promise<number> => {
    const headers: Record<string, string> = { 'x-auth-token': token }
    if (body !== undefined) headers['content-length'] = String(body.length)
    const { status, received } = await exchange(pool, method, path, headers, body)
    // A DELETE that finds nothing is fine: an earlier, failed run may have left fewer objects.
    if (status >= 300 && !(method === 'DELETE' && status === 404)) throw new Error(`${method} ${path}: ${status}`)
    return body?.length ?? received
  }
  return {
    prepare: async () => { await call('PUT', container, Buffer.alloc(0)) },
    put: async (name, body) => await call('PUT', objectPath(name), body),
    get: async (name) => await call('GET', objectPath(name)),
    head: async (name) => { await call('HEAD', objectPath(name)); return 0 },
    list: async () => await call('GET', `${container}?format=json&limit=1000`),
    delete: async (name) => { await call('DELETE', objectPath(name)); return 0 },
    close: async () => { await pool.close() }
  }
}
