/**
 * Revoking tempauth tokens. Tokens are self-contained, so a revocation is a fact stored in the
 * cluster rather than in any proxy: "tokens of this user issued at or before T are invalid",
 * kept as sysmeta of the user's account (`X-Account-Sysmeta-Tempauth-Revoked-<hex user>: T`,
 * milliseconds). Every proxy reads it with the account's info, so a revocation reaches all
 * proxies within their info cache time (`proxy.info_cache_ttl`) and at once on the proxy that
 * took it. Clients never see or set sysmeta. Rotating `auth.token_secret` revokes every token.
 */
import type { Identity } from './types.js'

/** Reading and writing an account's metadata: the object-store core, as the proxy wires it. */
export interface AccountMetaStore {
  /** The account's x-account-* headers (lowercase), empty when it does not exist. */
  meta: (account: string) => Promise<Record<string, string>>
  /** Sets headers on the account, creating it if needed. */
  update: (account: string, headers: Record<string, string>) => Promise<void>
}

const HEADER_PREFIX = 'x-account-sysmeta-tempauth-revoked-'

/**
 * Each user's header name, made once: every request with a tempauth token looks it up. Only
 * tempauth's configured users have tokens, so this stays as small as the user list.
 */
const headerNames = new Map<string, string>()

function headerFor (identity: Identity): string {
  let name = headerNames.get(identity.user)
  if (name === undefined) {
    name = HEADER_PREFIX + Buffer.from(identity.user).toString('hex')
    headerNames.set(identity.user, name)
  }
  return name
}

export class TokenRevocations {
  constructor (private readonly store: AccountMetaStore) {}

  /** Invalidates every token of `identity` issued up to now. */
  async revokeAll (identity: Identity): Promise<void> {
    await this.store.update(identity.account, { [headerFor(identity)]: String(Date.now()) })
  }

  async isRevoked (identity: Identity, issuedAtMs: number): Promise<boolean> {
    const meta = await this.store.meta(identity.account)
    const revokedAt = Number(meta[headerFor(identity)] ?? 0)
    return Number.isFinite(revokedAt) && issuedAtMs <= revokedAt
  }
}
