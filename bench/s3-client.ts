/**
 * The S3 API for the load generator: SigV4 (UNSIGNED-PAYLOAD, as the aws CLI sends over TLS and
 * SDKs with checksums) signed per request by aws4, path style, over one keep-alive pool. The
 * endpoint's `auth` URL gives the origin; its user and key are the access key and secret.
 */
import aws4 from 'aws4'
import { Pool } from 'undici'
import type { BenchClient, Endpoint, RunScope } from './clients.js'
import { exchange } from './exchange.js'

export async function openS3Client (endpoint: Endpoint, scope: RunScope): Promise<BenchClient> {
  const origin = new URL(endpoint.auth).origin
  const host = new URL(origin).host
  const credentials = { accessKeyId: endpoint.user, secretAccessKey: endpoint.key }
  const pool = new Pool(origin, { connections: scope.concurrency, pipelining: 1 })
  const bucket = `/${encodeURIComponent(scope.container)}`
  const objectPath = (name: string): string => `${bucket}/${encodeURIComponent(name)}`
  const call = async (method: 'PUT' | 'GET' | 'HEAD' | 'DELETE', path: string, body?: Buffer): Promise<number> => {
    const headers: Record<string, string> = { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' }
    if (body !== undefined) headers['Content-Length'] = String(body.length)
    const signed = aws4.sign({ host, path, method, service: 's3', region: 'us-east-1', headers }, credentials)
    const { status, received } = await exchange(pool, method, path, signed.headers as Record<string, string>, body)
    // An existing bucket is fine (an earlier run's); a DELETE always answers 204.
    const tolerated = method === 'PUT' && path === bucket && status === 409
    if (status >= 300 && !tolerated) throw new Error(`${method} ${path}: ${status}`)
    return body?.length ?? received
  }
  return {
    prepare: async () => { await call('PUT', bucket, Buffer.alloc(0)) },
    put: async (name, body) => await call('PUT', objectPath(name), body),
    get: async (name) => await call('GET', objectPath(name)),
    head: async (name) => { await call('HEAD', objectPath(name)); return 0 },
    list: async () => await call('GET', `${bucket}?list-type=2&max-keys=1000`),
    delete: async (name) => { await call('DELETE', objectPath(name)); return 0 },
    close: async () => { await pool.close() }
  }
}
