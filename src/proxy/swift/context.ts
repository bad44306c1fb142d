/** What the Swift front end's handlers share. */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { PolicyConfig } from '../../common/config.js'
import type { Identity, TempAuth } from '../../auth/index.js'
import type { ObjectStore } from '../core/store.js'
import type { SwiftPath } from './path.js'

export interface SwiftContext {
  store: ObjectStore
  tempauth: TempAuth
  policies: PolicyConfig[]
}

/** One Swift API request, parsed and authenticated. */
export interface SwiftRequest {
  req: FastifyRequest
  reply: FastifyReply
  path: SwiftPath
  identity: Identity | undefined
  /** Raw query string including the leading `?`, or ''. */
  query: string
  params: URLSearchParams
}
