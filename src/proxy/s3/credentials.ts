/**
 * Where S3 secrets come from. The front end only asks `secretFor(accessKey)`; tempauth is one
 * source (access key = `account:user`, secret = its key), and Keystone EC2 credentials can be
 * another with the same shape.
 */
import type { Identity, TempAuth } from '../../auth/index.js'

export interface S3Secret {
  secret: string
  identity: Identity
}

export type SecretLookup = (accessKey: string) => Promise<S3Secret | undefined>

export function tempauthSecrets (tempauth: TempAuth): SecretLookup {
  return async (accessKey) => {
    const secret = tempauth.keyOf(accessKey)
    const identity = tempauth.identityOf(accessKey)
    return secret === undefined || identity === undefined ? undefined : { secret, identity }
  }
}
