/** Container operations: create with a storage policy, metadata, listings, delete when empty. */
import { defaultPolicy } from '../../common/config.js'
import { nowTimestamp } from '../../common/timestamp.js'
import type { Device } from '../../ring/index.js'
import { backendPath, drain, type BackendHeaders, type BackendResponse } from '../backend/client.js'
import type { Accounts } from './accounts.js'
import type { CoreContext } from './context.js'
import { CoreError, unavailable } from './errors.js'
import { InfoCache } from './info-cache.js'
import { intHeader, pickHeaders, type ContainerInfo } from './info.js'
import { readFirst, writeAll, type Target, type WriteAllResult } from './replicate.js'

export class Containers {
  private readonly cache: InfoCache<ContainerInfo>

  constructor (private readonly ctx: CoreContext, private readonly accounts: Accounts) {
    this.cache = new InfoCache(ctx.opts.infoCacheTtlMs)
  }

  target (account: string, container: string): Target {
    const ring = this.ctx.rings.container
    const { part, nodes } = ring.getNodes(account, container)
    return { ring, part, primaries: nodes }
  }

  private pathFor (account: string, container: string, target: Target): (node: Device) => string {
    return (node) => backendPath(node, target.part, account, container)
  }

  async read (account: string, container: string, method: 'HEAD' | 'GET', query = '', headers: BackendHeaders = {}): Promise<BackendResponse> {
    const target = this.target(account, container)
    const path = this.pathFor(account, container, target)
    const res = await readFirst(this.ctx, target, method, (n) => path(n) + query, headers)
    if (res === undefined) throw unavailable(`no container server answered for ${account}/${container}`)
    if (method === 'HEAD') this.remember(account, container, res)
    return res
  }

  async info (account: string, container: string): Promise<ContainerInfo> {
    const cached = this.cache.get(`${account}/${container}`)
    if (cached !== undefined) return cached
    const res = await this.read(account, container, 'HEAD')
    await drain(res)
    return this.remember(account, container, res)
  }

  private remember (account: string, container: string, res: BackendResponse): ContainerInfo {
    const info: ContainerInfo = {
      exists: res.status >= 200 && res.status < 300,
      policyIndex: intHeader(res.headers, 'x-backend-storage-policy-index'),
      objectCount: intHeader(res.headers, 'x-container-object-count'),
      bytesUsed: intHeader(res.headers, 'x-container-bytes-used'),
      // Versioning's settings are named outside x-container-*, as in Swift.
      meta: { ...pickHeaders(res.headers, 'x-container-'), ...pickHeaders(res.headers, 'x-versions-'), ...pickHeaders(res.headers, 'x-history-') }
    }
    this.cache.set(`${account}/${container}`, info)
    return info
  }

  forget (account: string, container: string): void {
    this.cache.delete(`${account}/${container}`)
  }

  /**
   * Creates a container (or updates its metadata). The policy is fixed at creation: naming
   * another policy for an existing container is a conflict.
   */
  async put (account: string, container: string, headers: BackendHeaders, policyName?: string): Promise<WriteAllResult> {
    const policies = this.ctx.opts.policies
    const requested = policyName === undefined
      ? undefined
      : policies.find((p) => p.name.toLowerCase() === policyName.toLowerCase())
    if (policyName !== undefined && requested === undefined) {
      throw new CoreError('BAD_REQUEST', `Invalid X-Storage-Policy '${policyName}'`)
    }
    await this.accounts.ensure(account)
    this.forget(account, container)
    const existing = await this.info(account, container)
    if (existing.exists && requested !== undefined && requested.index !== existing.policyIndex) {
      throw new CoreError('POLICY_CONFLICT', 'Container already exists with a different storage policy')
    }
    const policyIndex = existing.exists ? existing.policyIndex : (requested ?? defaultPolicy(policies)).index
    const accountTarget = this.accounts.target(account)
    const result = await this.write(account, container, 'PUT', headers, (_node, i) => {
      const accountNode = accountTarget.primaries[i % accountTarget.primaries.length]
      return {
        'x-backend-storage-policy-index': String(policyIndex),
        'x-account-host': `${accountNode.ip}:${accountNode.port}`,
        'x-account-device': accountNode.device,
        'x-account-partition': String(accountTarget.part)
      }
    })
    this.accounts.forget(account)
    return result
  }

  async write (account: string, container: string, method: 'PUT' | 'POST' | 'DELETE', headers: BackendHeaders,
    perNode: (node: Device, replica: number) => BackendHeaders = () => ({})): Promise<WriteAllResult> {
    const target = this.target(account, container)
    const timestamp = nowTimestamp()
    this.forget(account, container)
    return await writeAll(this.ctx, target, method, this.pathFor(account, container, target),
      (node, i) => ({ ...headers, ...perNode(node, i), 'x-timestamp': timestamp }))
  }
}
