/**
 * Who a token belongs to, whichever source issued it. tempauth tokens (`AUTH_tk...`) are checked
 * here with the shared secret and the cluster's revocations; any other token goes to Keystone
 * when it is on. The answer never says which part of a bad token was wrong: the reason is for
 * the audit log only.
 */
import { AuthUnavailableError } from './errors.js'
import type { KeystoneAuth } from './keystone.js'
import type { TokenRevocations } from './revocation.js'
import type { TempAuth } from './tempauth.js'
import { isTempAuthToken } from './token.js'
import type { Identity } from './types.js'

export type TokenCheck =
  | { ok: true, identity: Identity }
  | { ok: false, status: 401 | 503, reason: string }

export interface AuthSources {
  tempauth?: TempAuth
  keystone?: KeystoneAuth
  revocations?: TokenRevocations
}

export class Authenticator {
  readonly tempauth: TempAuth | undefined
  readonly keystone: KeystoneAuth | undefined
  readonly revocations: TokenRevocations | undefined

  constructor (sources: AuthSources) {
    this.tempauth = sources.tempauth
    this.keystone = sources.keystone
    this.revocations = sources.revocations
  }

  /** Whether some source's accounts are named like this: requests to other names are refused. */
  servesAccount (account: string): boolean {
    return [this.tempauth?.resellerPrefix, this.keystone?.resellerPrefix]
      .some((prefix) => prefix !== undefined && account.startsWith(prefix) && account.length > prefix.length)
  }

  async checkToken (token: string): Promise<TokenCheck> {
    if (this.tempauth !== undefined && isTempAuthToken(token)) {
      const found = this.tempauth.fromToken(token)
      if (found === undefined) return { ok: false, status: 401, reason: 'tempauth token invalid, expired or of an unknown user' }
      if (this.revocations !== undefined && await this.revocations.isRevoked(found.identity, found.claims.i)) {
        return { ok: false, status: 401, reason: 'tempauth token revoked' }
      }
      return { ok: true, identity: found.identity }
    }
    if (this.keystone === undefined) return { ok: false, status: 401, reason: 'not a token of any enabled auth source' }
    try {
      const identity = await this.keystone.fromToken(token)
      return identity === undefined
        ? { ok: false, status: 401, reason: 'keystone rejected the token or it is not project-scoped' }
        : { ok: true, identity }
    } catch (err) {
      if (!(err instanceof AuthUnavailableError)) throw err
      return { ok: false, status: this.keystone.unavailableStatus, reason: `keystone unavailable: ${err.message}` }
    }
  }
}
