/**
 * S3 secrets for the S3 front end: `secretFor(accessKey)` answers the secret to check a
 * signature with, and the identity the request then has. tempauth users are their own access
 * keys (`test:tester`, secret `testing`); otherwise, with Keystone on, the access key is looked
 * up among Keystone's EC2 credentials. Throws AuthUnavailableError when Keystone cannot answer
 * (the front end answers 503, never lets the request through).
 */
import type { KeystoneAuth } from './keystone.js'
import type { TempAuth } from './tempauth.js'
import type { Identity } from './types.js'

export interface S3Secret {
  secret: string
  identity: Identity
}

export type SecretLookup = (accessKey: string) => Promise<S3Secret | undefined>

export function s3SecretLookup (sources: { tempauth?: TempAuth, keystone?: KeystoneAuth }): SecretLookup {
  const { tempauth, keystone } = sources
  return async (accessKey) => {
    const secret = tempauth?.keyOf(accessKey)
    const identity = tempauth?.identityOf(accessKey)
    if (secret !== undefined && identity !== undefined) return { secret, identity }
    return await keystone?.ec2Secret(accessKey)
  }
}
