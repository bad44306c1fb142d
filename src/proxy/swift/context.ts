/** What the Swift front end's handlers share. */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { PolicyConfig } from '../../common/config.js'
import type { Authenticator, Identity } from '../../auth/index.js'
import type { ObjectStore } from '../core/store.js'
import type { Pipeline } from './pipeline.js'
import type { SwiftPath } from './path.js'

export interface SwiftContext {
  store: ObjectStore
  auth: Authenticator
  policies: PolicyConfig[]
  /** The optional features (TempURL, SLO, ...) the operator enabled, in order. */
  pipeline: Pipeline
}

/** One Swift API request, parsed and authenticated. */
export interface SwiftRequest {
  req: FastifyRequest
  reply: FastifyReply
  path: SwiftPath
  identity: Identity | undefined
  /** The caller may see and set the account's privileged headers (Swift's swift_owner); set once authorized. */
  owner?: boolean
  /** Raw query string including the leading `?`, or ''. */
  query: string
  params: URLSearchParams
  /** Set by a pre-auth middleware that verified the request itself (TempURL): no token or ACL is consulted. */
  preauthorized?: boolean
  /** Takes out of an object's answer what this request may not see (a TempURL's private metadata). */
  hideFromAnswer?: (headers: Record<string, string>) => void
  /** Whether this request's caller may do `method` on another path (a middleware's sub-request). */
  allowed: (method: string, account: string, container?: string, object?: string) => Promise<boolean>
}
