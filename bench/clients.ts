/**
 * What a load generator phase needs from an API, and the APIs it can speak. Each API is one module
 * implementing BenchClient (login, then one request per call, reusing connections); the phases and
 * the reports do not know which API they drive. To add S3: write bench/s3-client.ts exporting an
 * `openS3Client(endpoint, run)` and add it to `openers` under 's3'.
 */
import { openS3Client } from './s3-client.js'
import { openSwiftClient } from './swift-client.js'

export interface Endpoint {
  api: ApiName
  /** Swift: the v1.0 auth URL. */
  auth: string
  user: string
  key: string
  /** How reports name this endpoint (`ringstore`, `swift-2.30`). */
  label: string
}

/** One run's shared settings: where its objects go and how many requests may be in flight. */
export interface RunScope {
  container: string
  concurrency: number
}

export interface BenchClient {
  /** Creates the container the run writes to. */
  prepare: () => Promise<void>
  /** Each resolves to the body bytes moved; a failed request throws. */
  put: (name: string, body: Buffer) => Promise<number>
  get: (name: string) => Promise<number>
  head: (name: string) => Promise<number>
  /** One listing page of the run's container. */
  list: () => Promise<number>
  delete: (name: string) => Promise<number>
  close: () => Promise<void>
}

export type ApiName = 'swift' | 's3'

const openers: Record<ApiName, (endpoint: Endpoint, scope: RunScope) => Promise<BenchClient>> = {
  swift: openSwiftClient,
  s3: openS3Client
}

export const API_NAMES = Object.keys(openers) as ApiName[]

export async function openClient (endpoint: Endpoint, scope: RunScope): Promise<BenchClient> {
  return await openers[endpoint.api](endpoint, scope)
}
