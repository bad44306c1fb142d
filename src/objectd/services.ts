/** What the handlers share: built once in main.ts and passed to every handler. */
import type { Logger } from '../common/logger.js'
import type { AccountDb } from './account-db.js'
import type { AccountReporter } from './account-reporter.js'
import type { AsyncPendings } from './async-pending.js'
import type { ObjectdConfig } from './config.js'
import type { ContainerDb } from './container-db.js'
import type { DataFileHooks } from './data-files.js'
import type { DeviceSet } from './device.js'
import type { Metrics } from './metrics.js'
import type { ObjectStore } from './object-store.js'
import type { PageCache } from './page-cache.js'
import type { Recon } from './recon.js'
import type { UpdateSender } from './update-sender.js'

export interface Services {
  conf: ObjectdConfig
  policies: ReadonlySet<number>
  devices: DeviceSet
  objects: ObjectStore
  containers: ContainerDb
  accounts: AccountDb
  reporter: AccountReporter
  sender: UpdateSender
  pendings: AsyncPendings
  recon: Recon
  metrics: Metrics
  dataHooks: DataFileHooks
  pageCache: PageCache
  log: Logger
}
