/**
 * Container servers report each container's row and stats to the account replicas named at
 * container PUT. Reports are debounced per container (account_update_delay_ms) so a burst of
 * listing updates costs one report, and go through the batching sender, which keeps an async
 * pending when the account node does not answer. The row carries the container's newest change
 * timestamp, so the account keeps the newest stats whatever order reports arrive in.
 */
import type { Logger } from '../common/logger.js'
import type { ContainerRow } from './account-db.js'
import type { ContainerDb, ContainerRef } from './container-db.js'
import type { UpdateSender } from './update-sender.js'
import { listingPath } from './update-sender.js'

export class AccountReporter {
  private readonly scheduled = new Map<string, { ref: ContainerRef, timer: NodeJS.Timeout }>()

  constructor (private readonly containers: () => ContainerDb, private readonly sender: UpdateSender,
    private readonly delayMs: number, private readonly log: Logger) {}

  /** Called after any change to a container; the report goes out after the delay. */
  schedule (ref: ContainerRef): void {
    const id = ref.device.name + ref.infoKey
    if (this.scheduled.has(id)) return
    const timer = setTimeout(() => {
      this.scheduled.delete(id)
      this.report(ref).catch((err: unknown) => { this.log.warn({ err, container: `${ref.account}/${ref.container}` }, 'account report failed') })
    }, this.delayMs)
    this.scheduled.set(id, { ref, timer })
  }

  /**
   * Reports a container now and waits for it (or for it to be kept as an async pending): a
   * container PUT or DELETE is answered only then, so the account listing shows it at once, as
   * with Swift's container server. Stats changes from object rows stay debounced.
   */
  async reportNow (ref: ContainerRef): Promise<void> {
    const id = ref.device.name + ref.infoKey
    const scheduled = this.scheduled.get(id)
    if (scheduled !== undefined) {
      clearTimeout(scheduled.timer)
      this.scheduled.delete(id)
    }
    await this.report(ref)
  }

  /** Sends every scheduled report now (shutdown), without waiting for the delay. */
  async flushAll (): Promise<void> {
    const pending = [...this.scheduled.values()]
    this.scheduled.clear()
    await Promise.all(pending.map(async ({ ref, timer }) => {
      clearTimeout(timer)
      await this.report(ref).catch(() => {})
    }))
  }

  private async report (ref: ContainerRef): Promise<void> {
    const info = await this.containers().info(ref)
    if (info === undefined || info.accountTargets.length === 0) return
    const row: ContainerRow = {
      name: info.container,
      put_timestamp: info.putTs,
      delete_timestamp: info.deleteTs,
      object_count: info.objectCount,
      bytes_used: info.bytesUsed,
      storage_policy_index: info.policy,
      timestamp: info.changedTs
    }
    await Promise.all(info.accountTargets.map(async (t) => {
      await this.sender.send(t.host, listingPath(t, info.account), row, ref.device)
    }))
  }
}
