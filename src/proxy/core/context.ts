/** What every core operation needs: rings, the backend client, where this proxy is, policies. */
import type { Logger } from '../../common/logger.js'
import type { PolicyConfig } from '../../common/config.js'
import type { BackendClient } from '../backend/client.js'
import type { Locality } from '../backend/nodes.js'
import type { Rings } from './rings.js'

export interface CoreOptions {
  policies: PolicyConfig[]
  locality: Locality
  putReplayBytes: number
  infoCacheTtlMs: number
  /** Check whole-object GET bodies against their MD5 ETag (get-stream.ts). */
  verifyGetEtag: boolean
  /** Region whose nodes take object writes first (write affinity); undefined: off. */
  writeAffinityRegion?: number
}

export interface CoreContext {
  rings: Rings
  client: BackendClient
  opts: CoreOptions
  logger: Logger
}
