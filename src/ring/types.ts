/**
 * The runtime ring's public contract. The proxy, objectd and the replicator depend on this
 * interface only; the builder (src/ring/builder) produces the data behind it.
 */

/** One storage device as the ring knows it. */
export interface Device {
  /** Stable id, unique in the ring; ids of removed devices are not reused. */
  id: number
  region: number
  zone: number
  ip: string
  port: number
  replicationIp: string
  replicationPort: number
  /** Directory name under the node's devices root, e.g. `sdb1`. */
  device: string
  weight: number
  /** Free-form operator text. */
  meta: string
}

/** A ring lookup: the partition of a name and its primary devices, one per replica. */
export interface NodeLookup {
  part: number
  nodes: Device[]
}

export interface Ring {
  readonly partPower: number
  readonly replicaCount: number
  readonly partCount: number
  /** Every device in the ring (removed devices are absent). */
  readonly devices: readonly Device[]
  /** Identifies this ring's contents (changes on every write_ring); used to compare rings across nodes. */
  readonly version: string
  /** Partition of a name: the top partPower bits of hashPath(account, container, object). */
  getPart (account: string, container?: string, object?: string): number
  /** Partition and its primaries. */
  getNodes (account: string, container?: string, object?: string): NodeLookup
  /** Primaries of a partition, in replica order. */
  getPartNodes (part: number): Device[]
  /**
   * Handoff devices for a partition, best first: devices in regions not used by the primaries,
   * then zones not used, then nodes (ip) not used, then any other device.
   */
  getMoreNodes (part: number): Iterable<Device>
}

/** A ring that follows its file: it reloads when the file is replaced, without a restart. */
export interface ReloadingRing extends Ring {
  /** The ring file this ring follows. */
  readonly file: string
  /** Checks the file now and reloads it if it changed; resolves to true when a new ring was loaded. */
  checkForUpdate (): Promise<boolean>
  /** Stops watching the file; lookups keep answering from the last ring loaded. */
  close (): void
}

export interface OpenRingOptions {
  /** How often the ring file's mtime, size and inode are checked; default 15000 ms, 0 turns checks off. */
  reloadIntervalMs?: number
  /** Called after a new ring was loaded. */
  onReload?: (ring: Ring) => void
  /** Called when a changed file could not be loaded; the previous ring stays in use. */
  onError?: (err: Error) => void
}
