/**
 * The object-store core: the one place where Ringstore's storage behaviour lives. The Swift and
 * S3 front ends translate their requests into calls on it and its answers back into their dialect.
 */
import type { Logger } from '../../common/logger.js'
import type { BackendClient } from '../backend/client.js'
import { Accounts } from './accounts.js'
import { Containers } from './containers.js'
import type { CoreContext, CoreOptions } from './context.js'
import { Objects } from './objects.js'
import { Quotas } from './quotas.js'
import type { Rings } from './rings.js'

export class ObjectStore {
  readonly accounts: Accounts
  readonly containers: Containers
  readonly objects: Objects
  readonly ctx: CoreContext

  constructor (rings: Rings, client: BackendClient, opts: CoreOptions, logger: Logger) {
    this.ctx = { rings, client, opts, logger }
    this.accounts = new Accounts(this.ctx)
    this.containers = new Containers(this.ctx, this.accounts)
    this.objects = new Objects(this.ctx, this.containers, new Quotas(this.accounts))
  }
}
