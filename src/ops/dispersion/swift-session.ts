/**
 * The dispersion tool's view of the proxy: a v1.0 login as the configured user, and requests on
 * that account. Probes are placed through the proxy, as a client's writes are, so they land
 * wherever the proxy's placement puts them (primaries, or handoffs when a primary is down).
 */
import type { OpsConfig } from '../ops-config.js'
import { fetchText, type Fetched } from '../http.js'

export class SwiftSession {
  private constructor (readonly account: string, private readonly storageUrl: string, private readonly token: string,
    private readonly timeoutMs: number) {}

  static async login (ops: OpsConfig): Promise<SwiftSession> {
    if (ops.auth_user === '' || ops.auth_key === '') throw new Error('ops.auth_user and ops.auth_key: the dispersion report needs an account to write its probes to')
    const timeoutMs = ops.timeout * 1000
    const res = await fetchText(ops.auth_url, { timeoutMs, headers: { 'x-auth-user': ops.auth_user, 'x-auth-key': ops.auth_key } })
    if (!res.ok) throw new Error(`login as ${ops.auth_user} failed: ${res.error}`)
    const storageUrl = res.headers['x-storage-url']
    const token = res.headers['x-auth-token']
    if (res.status !== 200 || storageUrl === undefined || token === undefined) {
      throw new Error(`login as ${ops.auth_user} at ${ops.auth_url} failed: status ${res.status}`)
    }
    const account = decodeURIComponent(new URL(storageUrl).pathname.split('/')[2] ?? '')
    return new SwiftSession(account, storageUrl, token, timeoutMs)
  }

  async request (method: 'HEAD' | 'PUT', path: string, headers: Record<string, string> = {}, body = ''): Promise<Fetched> {
    return await fetchText(`${this.storageUrl}${path}`, {
      method,
      headers: { 'x-auth-token': this.token, ...headers, ...(method === 'PUT' ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
      body: method === 'PUT' ? body : undefined,
      timeoutMs: this.timeoutMs
    })
  }
}
