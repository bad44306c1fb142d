/** Requests as the development users of a test cluster, and a raw client for paths fetch would normalise. */
import { request } from 'node:http'
import type { TestCluster } from '../helpers/cluster.js'

export interface Caller {
  name: string
  /** undefined for anonymous */
  token?: string
  /** `http://host:port/v1/AUTH_x`: the caller's own account */
  storageUrl?: string
}

export async function callers (cluster: TestCluster): Promise<Record<'owner' | 'tester3' | 'other' | 'admin' | 'anon', Caller>> {
  const login = async (name: string, user: string, key: string): Promise<Caller> => ({ name, ...await cluster.auth(user, key) })
  return {
    owner: await login('owner test:tester', 'test:tester', 'testing'),
    tester3: await login('non-admin test:tester3', 'test:tester3', 'testing3'),
    other: await login('other account test2:tester2', 'test2:tester2', 'testing2'),
    admin: await login('reseller admin admin:admin', 'admin:admin', 'admin'),
    anon: { name: 'anonymous' }
  }
}

/** One request as `who` to `url` (absolute); the body text is read. */
export async function as (who: Caller, method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number, text: string, headers: Headers }> {
  const res = await fetch(url, { method, headers: { ...(who.token !== undefined ? { 'x-auth-token': who.token } : {}), ...headers }, body })
  return { status: res.status, text: await res.text(), headers: res.headers }
}

/** A request whose path is sent exactly as given (no `..` or `//` normalisation), with an optional chunked body. */
export async function rawRequest (base: string, method: string, path: string, headers: Record<string, string>,
  chunks?: Buffer[]): Promise<{ status: number, text: string }> {
  const url = new URL(base)
  return await new Promise((resolve, reject) => {
    const r = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => { text += d.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text }) })
    })
    r.on('error', reject)
    for (const chunk of chunks ?? []) r.write(chunk)
    r.end()
  })
}

/** Polls a HEAD until `header` reads `value`: account and container stats follow writes shortly after. */
export async function waitForStat (token: string, url: string, header: string, value: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await fetch(url, { method: 'HEAD', headers: { 'x-auth-token': token } })
    if (res.headers.get(header) === value) return
    if (Date.now() > deadline) throw new Error(`${url}: ${header} is ${res.headers.get(header) ?? 'absent'}, expected ${value}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
