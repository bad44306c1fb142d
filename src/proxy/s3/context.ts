/** What the S3 front end's handlers share, and one parsed, authenticated S3 request. */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { PolicyConfig } from '../../common/config.js'
import type { Identity } from '../../auth/index.js'
import type { ObjectStore } from '../core/store.js'
import type { PayloadMode } from './authenticate.js'
import type { SecretLookup } from '../../auth/index.js'
import { readDocument } from './upload-body.js'

export interface S3Options {
  /** The region this endpoint reports (GetBucketLocation, errors). */
  region: string
  /** Reject a credential scope naming another region (AuthorizationHeaderMalformed). */
  strictRegion: boolean
  /** Virtual-hosted style: `<bucket>.<domain>`; '' turns it off. */
  domain: string
}

export interface S3Context {
  store: ObjectStore
  secretFor: SecretLookup
  policies: PolicyConfig[]
  opts: S3Options
}

export interface S3Request {
  req: FastifyRequest
  reply: FastifyReply
  requestId: string
  bucket?: string
  key?: string
  /** The request path as sent (percent-encoded). */
  rawPath: string
  /** The query string without `?`. */
  rawQuery: string
  query: URLSearchParams
  identity: Identity | undefined
  /** The account holding the bucket (the caller's, or the owner's for a shared bucket). */
  account: string
  payload: PayloadMode
}

export function header (r: S3Request, name: string): string | undefined {
  const v = r.req.headers[name]
  return Array.isArray(v) ? v.join(',') : v
}

/** The request's XML document (bodies of DeleteObjects, CompleteMultipartUpload, ACL, CORS...). */
export async function requestDocument (r: S3Request, limit = 1024 * 1024): Promise<string> {
  return await readDocument(r.req.raw, r.req.headers, r.payload, limit)
}
