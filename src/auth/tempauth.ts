/**
 * tempauth: users, keys and groups from config, as a Swift all-in-one's. `test:tester` with
 * groups [`.admin`] owns account `AUTH_test`; `.reseller_admin` reaches every account; a user
 * without `.admin` (`test:tester3`) reaches only what container ACLs grant it.
 */
import { timingSafeEqual, createHash } from 'node:crypto'
import { BoundedCache } from './bounded-cache.js'
import { readSection, ConfigError, type SectionSchema } from '../common/config.js'
import type { Identity } from './types.js'
import { issueToken, verifyToken, type TokenClaims } from './token.js'

export interface TempAuthUser {
  /** `account:user` */
  user: string
  key: string
  groups?: string[]
}

/** The config file's `auth` section: tempauth, and what applies to every auth source. */
export interface AuthConfig {
  /** tempauth on (`/auth/v1.0`, `AUTH_tk` tokens, S3 keys from `users`). */
  tempauth: boolean
  reseller_prefix: string
  /** Seconds a token lives. */
  token_life: number
  /** HMAC key every proxy of the cluster shares, so their tokens are interchangeable. */
  token_secret: string
  users: TempAuthUser[]
  /** Failed authentications a client address may make in a burst before it gets 429s... */
  failed_auth_burst: number
  /** ...and how many more it earns per second. */
  failed_auth_per_second: number
  /** One structured line per request on stdout (the audit trail). */
  audit_log: boolean
}

const schema: SectionSchema = {
  tempauth: { type: 'boolean', default: true },
  reseller_prefix: { type: 'string', default: 'AUTH_' },
  token_life: { type: 'number', default: 86400, min: 1 },
  token_secret: { type: 'string', default: '' },
  users: { type: 'array', default: [] },
  failed_auth_burst: { type: 'number', default: 20, min: 1 },
  failed_auth_per_second: { type: 'number', default: 1, min: 0.001 },
  audit_log: { type: 'boolean', default: true }
}

export function readAuthSection (raw: unknown): AuthConfig {
  const auth = readSection<AuthConfig>(raw, 'auth', schema)
  if (auth.tempauth && auth.token_secret.length < 16) throw new ConfigError('auth.token_secret: must be at least 16 characters')
  if (!/^[A-Za-z0-9]+_$/.test(auth.reseller_prefix)) throw new ConfigError('auth.reseller_prefix: letters and digits ending with "_", e.g. AUTH_')
  auth.users.forEach((u, i) => {
    if (typeof u?.user !== 'string' || !/^[^:]+:[^:]+$/.test(u.user)) throw new ConfigError(`auth.users[${i}].user: expected "account:user"`)
    if (typeof u.key !== 'string' || u.key === '') throw new ConfigError(`auth.users[${i}].key: expected a non-empty string`)
    if (u.groups !== undefined && (!Array.isArray(u.groups) || !u.groups.every((g) => typeof g === 'string'))) {
      throw new ConfigError(`auth.users[${i}].groups: expected a list of strings`)
    }
  })
  return auth
}

/** Constant-time comparison of secrets of any length (hashing first equalises the lengths). */
function sameSecret (a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}

/** How many verified tokens a proxy remembers (the least recently used go first). */
const VERIFIED_TOKENS_MAX = 10_000

export class TempAuth {
  private readonly users = new Map<string, TempAuthUser>()
  /**
   * Tokens already verified and what they resolved to: a client sends the same token with every
   * request, and its HMAC, decoding and identity cost more than the rest of authentication. Each
   * is kept until the token expires; revocation is the caller's check, as for a fresh token.
   */
  private readonly verified = new BoundedCache<{ identity: Identity, claims: TokenClaims }>(VERIFIED_TOKENS_MAX)

  constructor (private readonly config: AuthConfig) {
    for (const u of config.users) this.users.set(u.user, u)
  }

  get resellerPrefix (): string {
    return this.config.reseller_prefix
  }

  identityOf (user: string): Identity | undefined {
    const entry = this.users.get(user)
    if (entry === undefined) return undefined
    const [accountName] = user.split(':')
    const groups = entry.groups ?? []
    const account = this.config.reseller_prefix + accountName
    return {
      user,
      account,
      // As Swift's tempauth: the account id (AUTH_x) names its admins only, so an ACL naming it admits no one else.
      groups: [user, accountName, ...(groups.includes('.admin') ? [account] : []), ...groups],
      owner: groups.includes('.admin'),
      resellerAdmin: groups.includes('.reseller_admin'),
      via: 'tempauth'
    }
  }

  /** The key of a user, for S3 signature checks; undefined for an unknown user. */
  keyOf (user: string): string | undefined {
    return this.users.get(user)?.key
  }

  /** Checks user and key; returns a fresh token and the identity, or undefined. */
  login (user: string, key: string): { token: string, expires: number, identity: Identity } | undefined {
    const entry = this.users.get(user)
    // Compare even for an unknown user, so timing does not tell which users exist.
    const ok = sameSecret(entry?.key ?? '\u0000no-such-user', key) && entry !== undefined
    if (!ok) return undefined
    const identity = this.identityOf(user)
    if (identity === undefined) return undefined
    return { ...issueToken(this.config.token_secret, user, this.config.token_life), identity }
  }

  /** The identity and claims of a genuine, unexpired token of a configured user (revocation is checked by the caller). */
  fromToken (token: string): { identity: Identity, claims: TokenClaims } | undefined {
    const known = this.verified.get(token)
    if (known !== undefined) return known
    const claims = verifyToken(this.config.token_secret, token)
    const identity = claims === undefined ? undefined : this.identityOf(claims.u)
    if (identity === undefined || claims === undefined) return undefined
    const found = { identity: Object.freeze(identity), claims: Object.freeze(claims) }
    this.verified.set(token, found, claims.e * 1000)
    return found
  }
}
