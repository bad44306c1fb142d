/**
 * Keystone identities: a validated token (or an EC2 credential) becomes an Identity for account
 * `reseller_prefix + project_id`. Operator roles own the account, the reseller-admin role reaches
 * every account; a user with neither reaches only what container ACLs grant. Answers are cached
 * (keyed by a hash of the token, never the token) for at most `cache_ttl` and never past the
 * token's own expiry, in a cache bounded to `cache_max_entries`.
 */
import { createHash } from 'node:crypto'
import { BoundedCache } from './bounded-cache.js'
import { KeystoneClient, type KeystoneName } from './keystone-client.js'
import type { KeystoneConfig } from './keystone-config.js'
import type { Identity } from './types.js'

export interface Ec2Secret {
  secret: string
  identity: Identity
}

function cacheKey (kind: string, secret: string): string {
  return kind + createHash('sha256').update(secret).digest('base64url')
}

function inDefaultDomain (x: KeystoneName | undefined): boolean {
  return x?.domain === undefined || x.domain.id === 'default'
}

export class KeystoneAuth {
  private readonly tokens: BoundedCache<Identity | null>
  private readonly ec2: BoundedCache<Ec2Secret | null>
  private readonly client: KeystoneClient

  constructor (private readonly conf: KeystoneConfig, client?: KeystoneClient) {
    this.client = client ?? new KeystoneClient(conf)
    this.tokens = new BoundedCache(conf.cache_max_entries)
    this.ec2 = new BoundedCache(conf.cache_max_entries)
  }

  get resellerPrefix (): string {
    return this.conf.reseller_prefix
  }

  get unavailableStatus (): 401 | 503 {
    return this.conf.unavailable_status === 401 ? 401 : 503
  }

  /**
   * The identity of a project-scoped user: groups hold `project_id:user_id`, and in the default
   * domain also `project_name:user_name` (names are unique only within a domain, as Swift's
   * keystoneauth rules), plus the role names.
   */
  private identity (user: KeystoneName, project: KeystoneName, roles: string[]): Identity {
    const pairs = [`${project.id}:${user.id}`]
    if (inDefaultDomain(user) && inDefaultDomain(project) && Boolean(user.name) && Boolean(project.name)) {
      pairs.push(`${project.name}:${user.name}`)
    }
    const lower = roles.map((r) => r.toLowerCase())
    return {
      user: `${project.id}:${user.id}`,
      account: this.conf.reseller_prefix + project.id,
      groups: [...pairs, ...roles],
      owner: this.conf.operator_roles.some((r) => lower.includes(r.toLowerCase())),
      resellerAdmin: lower.includes(this.conf.reseller_admin_role.toLowerCase()),
      via: 'keystone'
    }
  }

  /** The identity of a Keystone token; undefined when Keystone rejects it or it is not project-scoped. */
  async fromToken (token: string): Promise<Identity | undefined> {
    const key = cacheKey('t', token)
    const cached = this.tokens.get(key)
    if (cached !== undefined) return cached ?? undefined
    const facts = await this.client.validate(token)
    const identity = facts?.project === undefined
      ? undefined
      : this.identity(facts.user, facts.project, (facts.roles ?? []).map((r) => r.name))
    // Rejections are remembered briefly too, so a replayed bad token does not cost a Keystone call each time.
    const expires = Math.min(Date.now() + this.conf.cache_ttl * 1000, facts === undefined ? Infinity : Date.parse(facts.expires_at))
    this.tokens.set(key, identity ?? null, Number.isFinite(expires) ? expires : 0)
    return identity
  }

  /** The secret and identity behind an S3 access key held as a Keystone EC2 credential. */
  async ec2Secret (accessKey: string): Promise<Ec2Secret | undefined> {
    if (!this.conf.s3_ec2_credentials) return undefined
    const key = cacheKey('e', accessKey)
    const cached = this.ec2.get(key)
    if (cached !== undefined) return cached ?? undefined
    const credential = await this.client.ec2Credential(accessKey)
    let found: Ec2Secret | undefined
    if (credential !== undefined) {
      const { user, project, roles } = await this.client.projectRoles(credential.userId, credential.projectId)
      found = {
        secret: credential.secret,
        identity: this.identity(user ?? { id: credential.userId, name: '' }, project ?? { id: credential.projectId, name: '' }, roles)
      }
    }
    this.ec2.set(key, found ?? null, Date.now() + this.conf.cache_ttl * 1000)
    return found
  }
}
