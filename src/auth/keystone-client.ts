/**
 * Keystone v3 over HTTP, with the proxy's own service token: validating a client token
 * (`GET /v3/auth/tokens` with X-Subject-Token), reading an EC2 credential (its id is the SHA-256
 * of the access key, as Keystone assigns it) and a user's effective roles on a project. Every
 * failure to get an answer (network, timeout, 5xx, the service user refused) is an
 * AuthUnavailableError: the caller must neither crash nor let the request through.
 */
import { createHash } from 'node:crypto'
import { AuthUnavailableError } from './errors.js'
import type { KeystoneConfig } from './keystone-config.js'

export interface KeystoneName { id: string, name: string, domain?: { id: string, name?: string } }

/** What a validated token says (Keystone's `token` object, the parts we use). */
export interface KeystoneToken {
  user: KeystoneName
  project?: KeystoneName
  roles?: Array<{ id: string, name: string }>
  expires_at: string
}

export interface Ec2Credential {
  secret: string
  userId: string
  projectId: string
}

/** Renew the service token this long before Keystone says it expires. */
const SERVICE_TOKEN_MARGIN_MS = 60_000

export class KeystoneClient {
  private service: { token: string, expires: number } | undefined
  private pendingService: Promise<string> | undefined
  private readonly base: string

  constructor (private readonly conf: KeystoneConfig) {
    this.base = conf.auth_url.replace(/\/+$/, '')
  }

  private async call (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
    const attempt = async (): Promise<Response> => await fetch(this.base + path, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.conf.timeout * 1000)
    })
    try {
      return await attempt()
    } catch {
      // Once more: a pooled keep-alive connection the server had just closed fails at once.
      try {
        return await attempt()
      } catch (err) {
        const cause = (err as { cause?: { message?: string } }).cause?.message
        throw new AuthUnavailableError(`keystone ${method} ${path}: ${(err as Error).message}${cause !== undefined ? ` (${cause})` : ''}`)
      }
    }
  }

  private async serviceToken (): Promise<string> {
    if (this.service !== undefined && this.service.expires - SERVICE_TOKEN_MARGIN_MS > Date.now()) return this.service.token
    // One login at a time, however many requests need the token at once.
    this.pendingService ??= this.login().finally(() => { this.pendingService = undefined })
    return await this.pendingService
  }

  private async login (): Promise<string> {
    const res = await this.call('POST', '/auth/tokens?nocatalog', {}, {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: this.conf.username, domain: { name: this.conf.user_domain_name }, password: this.conf.password } }
        },
        scope: { project: { name: this.conf.project_name, domain: { name: this.conf.project_domain_name } } }
      }
    })
    const token = res.headers.get('x-subject-token')
    if (res.status !== 201 || token === null) {
      await res.body?.cancel()
      throw new AuthUnavailableError(`keystone refused the proxy's service user ${this.conf.username} (status ${res.status})`)
    }
    const body = await res.json() as { token?: { expires_at?: string } }
    this.service = { token, expires: Date.parse(body.token?.expires_at ?? '') || Date.now() + 3600_000 }
    return token
  }

  /**
   * A request with the service token; a 401 means the service token itself went stale (expired
   * or revoked in Keystone), so it is renewed once and the request retried.
   */
  private async asService (method: string, path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await this.call(method, path, { ...headers, 'x-auth-token': await this.serviceToken() })
    if (res.status !== 401) return res
    await res.body?.cancel()
    this.service = undefined
    return await this.call(method, path, { ...headers, 'x-auth-token': await this.serviceToken() })
  }

  private async json<T> (res: Response, what: string): Promise<T | undefined> {
    if (res.status === 404) {
      await res.body?.cancel()
      return undefined
    }
    if (res.status !== 200) {
      await res.body?.cancel()
      throw new AuthUnavailableError(`keystone answered ${res.status} to ${what}`)
    }
    return await res.json() as T
  }

  /** The token's facts, or undefined when Keystone says it is not a valid token. */
  async validate (subjectToken: string): Promise<KeystoneToken | undefined> {
    const res = await this.asService('GET', '/auth/tokens?nocatalog', { 'x-subject-token': subjectToken })
    // 404 is Keystone's answer for an unknown, expired or revoked token; 400/403 for a malformed one.
    if (res.status === 400 || res.status === 403) {
      await res.body?.cancel()
      return undefined
    }
    return (await this.json<{ token: KeystoneToken }>(res, 'token validation'))?.token
  }

  async ec2Credential (accessKey: string): Promise<Ec2Credential | undefined> {
    const id = createHash('sha256').update(accessKey).digest('hex')
    const body = await this.json<{ credential: { user_id: string, project_id?: string, type: string, blob: string } }>(
      await this.asService('GET', `/credentials/${id}`), 'credential lookup')
    const credential = body?.credential
    if (credential?.type !== 'ec2' || credential.project_id === undefined) return undefined
    let blob: { access?: unknown, secret?: unknown }
    try {
      blob = JSON.parse(credential.blob) as typeof blob
    } catch {
      return undefined
    }
    if (blob.access !== accessKey || typeof blob.secret !== 'string') return undefined
    return { secret: blob.secret, userId: credential.user_id, projectId: credential.project_id }
  }

  /** The user's effective role assignments on the project, with the user's and project's names. */
  async projectRoles (userId: string, projectId: string): Promise<{ user?: KeystoneName, project?: KeystoneName, roles: string[] }> {
    const query = `user.id=${encodeURIComponent(userId)}&scope.project.id=${encodeURIComponent(projectId)}&effective&include_names`
    const body = await this.json<{ role_assignments: Array<{ role: { name: string }, user?: KeystoneName, scope?: { project?: KeystoneName } }> }>(
      await this.asService('GET', `/role_assignments?${query}`), 'role assignments')
    const assignments = body?.role_assignments ?? []
    return {
      user: assignments[0]?.user,
      project: assignments[0]?.scope?.project,
      roles: [...new Set(assignments.map((a) => a.role.name))]
    }
  }
}
