/**
 * S3 bucket names are global, Swift container names are per account. The registry keeps which
 * account owns each bucket created through S3, as one container per bucket in a hidden account
 * (outside the reseller prefix, so no Swift user reaches it). It answers BucketAlreadyExists,
 * and finds the account of a bucket shared with another account or opened to anonymous callers.
 *
 * Limits: two accounts racing to create one name may both succeed (last writer owns the entry);
 * containers created through the Swift API are not registered.
 */
import type { ObjectStore } from '../core/store.js'

export const REGISTRY_ACCOUNT = '.s3_buckets'
const OWNER = 'x-container-sysmeta-s3-owner'

export type Claim = 'claimed' | 'yours' | 'taken'

export class BucketRegistry {
  constructor (private readonly store: ObjectStore) {}

  async ownerOf (bucket: string): Promise<string | undefined> {
    const info = await this.store.containers.info(REGISTRY_ACCOUNT, bucket)
    return info.exists ? info.meta[OWNER] : undefined
  }

  async claim (bucket: string, account: string): Promise<Claim> {
    const owner = await this.ownerOf(bucket)
    if (owner === account) return 'yours'
    if (owner !== undefined && owner !== '') return 'taken'
    await this.store.containers.put(REGISTRY_ACCOUNT, bucket, { [OWNER]: account })
    return 'claimed'
  }

  async release (bucket: string, account: string): Promise<void> {
    if (await this.ownerOf(bucket) !== account) return
    await this.store.containers.write(REGISTRY_ACCOUNT, bucket, 'DELETE', {})
  }
}
