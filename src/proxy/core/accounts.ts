/** Account operations: stats, metadata, container listings, auto-creation. */
import { nowTimestamp } from '../../common/timestamp.js'
import type { Device } from '../../ring/index.js'
import { backendPath, drain, type BackendHeaders, type BackendResponse } from '../backend/client.js'
import type { CoreContext } from './context.js'
import { unavailable } from './errors.js'
import { InfoCache } from './info-cache.js'
import { intHeader, pickHeaders, type AccountInfo } from './info.js'
import { readFirst, writeAll, type Target, type WriteAllResult } from './replicate.js'

export class Accounts {
  private readonly cache: InfoCache<AccountInfo>

  constructor (private readonly ctx: CoreContext) {
    this.cache = new InfoCache(ctx.opts.infoCacheTtlMs)
  }

  target (account: string): Target {
    const ring = this.ctx.rings.account
    const { part, nodes } = ring.getNodes(account)
    return { ring, part, primaries: nodes }
  }

  private pathFor (account: string, target: Target): (node: Device) => string {
    return (node) => backendPath(node, target.part, account)
  }

  /** HEAD or GET (listing, with the client's query string) from the nearest replica that has it. */
  async read (account: string, method: 'HEAD' | 'GET', query = '', headers: BackendHeaders = {}): Promise<BackendResponse> {
    const target = this.target(account)
    const path = this.pathFor(account, target)
    const res = await readFirst(this.ctx, target, method, (n) => path(n) + query, headers)
    if (res === undefined) throw unavailable(`no account server answered for ${account}`)
    if (method === 'HEAD') this.remember(account, res)
    return res
  }

  async info (account: string): Promise<AccountInfo> {
    const cached = this.cache.get(account)
    if (cached !== undefined) return cached
    const res = await this.read(account, 'HEAD')
    await drain(res)
    return this.remember(account, res)
  }

  private remember (account: string, res: BackendResponse): AccountInfo {
    const info: AccountInfo = {
      exists: res.status >= 200 && res.status < 300,
      containerCount: intHeader(res.headers, 'x-account-container-count'),
      objectCount: intHeader(res.headers, 'x-account-object-count'),
      bytesUsed: intHeader(res.headers, 'x-account-bytes-used'),
      meta: pickHeaders(res.headers, 'x-account-')
    }
    this.cache.set(account, info)
    return info
  }

  async write (account: string, method: 'PUT' | 'POST' | 'DELETE', headers: BackendHeaders = {}): Promise<WriteAllResult> {
    const target = this.target(account)
    const timestamp = nowTimestamp()
    this.cache.delete(account)
    return await writeAll(this.ctx, target, method, this.pathFor(account, target),
      () => ({ ...headers, 'x-timestamp': timestamp }))
  }

  /** Creates the account on first use, as Swift's account_autocreate. */
  async ensure (account: string): Promise<void> {
    if ((await this.info(account)).exists) return
    const result = await this.write(account, 'PUT')
    if (result.status >= 300) throw unavailable(`could not create account ${account} (status ${result.status})`)
  }

  forget (account: string): void {
    this.cache.delete(account)
  }
}
