/**
 * Quotas, enforced in the core so that the Swift and S3 front ends both get them:
 * - account: `X-Account-Meta-Quota-Bytes` (only the reseller admin sets it; see src/auth);
 * - container: `X-Container-Meta-Quota-Bytes` and `X-Container-Meta-Quota-Count`.
 * A write that would take the bytes used past a quota, or add an object to a container holding
 * `Quota-Count` objects already, is refused with 413 and stores nothing. Being at the limit is
 * allowed. What a write is charged is what it adds to the container's bytes used: the body's
 * size, so copies count like any other object, and a large object's manifest (as in Swift) its
 * own size, its segments having been charged where they were written.
 *
 * When the size is known (Content-Length, copies, manifests) the check happens before any byte
 * is sent. A chunked upload is metered while it streams and aborted, replicas and all, the
 * moment it crosses the remaining allowance.
 *
 * As in Swift, usage comes from the account and container stats, which storage nodes update
 * shortly after each write and the proxy caches for `info_cache_ttl`: writes racing each other
 * can overshoot a quota by what they carry. Overwrites are charged in full. A quota value that
 * is not a non-negative integer is ignored.
 */
import { Readable } from 'node:stream'
import type { PutInput } from './objects.js'
import type { Accounts } from './accounts.js'
import { CoreError } from './errors.js'
import type { ContainerInfo } from './info.js'

export const ACCOUNT_QUOTA_BYTES = 'x-account-meta-quota-bytes'
export const CONTAINER_QUOTA_BYTES = 'x-container-meta-quota-bytes'
export const CONTAINER_QUOTA_COUNT = 'x-container-meta-quota-count'

export interface AdmittedBody {
  /** What to stream to the replicas: the client's body, metered when its size is unknown. */
  body: Readable
  /** The quota error when the metered body crossed the allowance (the upload was aborted for it). */
  overrun: () => CoreError | undefined
}

function quotaValue (meta: Record<string, string>, name: string): number | undefined {
  const raw = meta[name]
  return raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw) : undefined
}

/** Whether a container has a quota of its own, so its usage must be current. */
export function hasContainerQuota (container: ContainerInfo): boolean {
  return container.meta[CONTAINER_QUOTA_BYTES] !== undefined || container.meta[CONTAINER_QUOTA_COUNT] !== undefined
}

const exceeded = (what: string): CoreError => new CoreError('QUOTA_EXCEEDED', `Upload exceeds quota: ${what}`)

export class Quotas {
  constructor (private readonly accounts: Accounts) {}

  /**
   * Bytes the write may still add, checked against every quota that applies (Infinity when none
   * does); throws QUOTA_EXCEEDED for a full object count or a known size over the allowance.
   */
  private async allowance (account: string, container: ContainerInfo, charge: number | undefined): Promise<number> {
    const quotaCount = quotaValue(container.meta, CONTAINER_QUOTA_COUNT)
    if (quotaCount !== undefined && container.objectCount + 1 > quotaCount) throw exceeded(`container object count quota ${quotaCount}`)
    let allowed = Infinity
    const containerBytes = quotaValue(container.meta, CONTAINER_QUOTA_BYTES)
    if (containerBytes !== undefined) allowed = containerBytes - container.bytesUsed
    if (charge !== undefined && charge > allowed) throw exceeded(`container quota ${containerBytes ?? 0} bytes`)
    const accountInfo = await this.accounts.info(account)
    const accountBytes = quotaValue(accountInfo.meta, ACCOUNT_QUOTA_BYTES)
    if (accountBytes !== undefined) {
      const accountAllowed = accountBytes - accountInfo.bytesUsed
      if (charge !== undefined && charge > accountAllowed) throw exceeded(`account quota ${accountBytes} bytes`)
      allowed = Math.min(allowed, accountAllowed)
    }
    return Math.max(0, allowed)
  }

  /** Admits a write into `container` (of `account`) or throws 413; returns the body to stream. */
  async admit (account: string, container: ContainerInfo, input: PutInput): Promise<AdmittedBody> {
    const allowed = await this.allowance(account, container, input.contentLength)
    if (input.contentLength !== undefined || allowed === Infinity) return { body: input.body, overrun: () => undefined }
    let overrun: CoreError | undefined
    async function * metered (source: Readable): AsyncGenerator<Buffer> {
      let total = 0
      // The client's stream is left open (not destroyed) on overrun so that the 413 can still be answered.
      for await (const chunk of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        total += chunk.length
        if (total > allowed) {
          overrun = exceeded(`${allowed} bytes left under the account or container quota`)
          throw overrun
        }
        yield chunk
      }
    }
    return { body: Readable.from(metered(input.body), { objectMode: false }), overrun: () => overrun }
  }
}
