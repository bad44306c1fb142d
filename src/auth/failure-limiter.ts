/**
 * Brute-force protection: failed authentications are rate-limited per client address with a
 * token bucket. Each failure takes a token; a client whose bucket is empty gets 429 (with
 * Retry-After) for any request that carries credentials, without them being checked, until the
 * bucket refills at `perSecond`. Requests without credentials (anonymous reads of public
 * containers) are never limited here. Memory is bounded: past `maxClients` buckets, the oldest go.
 */
import type { IncomingHttpHeaders } from 'node:http'

interface Bucket { tokens: number, at: number }

const CREDENTIAL_HEADERS = ['x-auth-token', 'x-storage-token', 'x-auth-key', 'x-storage-pass', 'authorization']
const CREDENTIAL_QUERY = /[?&](X-Amz-Signature|Signature|AWSAccessKeyId|X-Amz-Credential)=/i

/** Whether a request presents a secret of some kind (a token, a key, a signature). */
export function carriesCredentials (headers: IncomingHttpHeaders, url: string): boolean {
  return CREDENTIAL_HEADERS.some((h) => headers[h] !== undefined) || CREDENTIAL_QUERY.test(url)
}

export class FailureLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor (private readonly burst: number, private readonly perSecond: number, private readonly maxClients = 100_000) {}

  private current (client: string, now: number): Bucket {
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, at: now }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond)
    bucket.at = now
    return bucket
  }

  /** Seconds until the client may try again, or 0 when it may try now. */
  retryAfter (client: string): number {
    if (!this.buckets.has(client)) return 0
    const bucket = this.current(client, Date.now())
    return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / this.perSecond)
  }

  failed (client: string): void {
    const now = Date.now()
    const bucket = this.current(client, now)
    bucket.tokens = Math.max(0, bucket.tokens - 1)
    this.buckets.delete(client)
    this.buckets.set(client, bucket)
    while (this.buckets.size > this.maxClients) {
      const oldest = this.buckets.keys().next().value
      if (oldest === undefined) break
      this.buckets.delete(oldest)
    }
  }
}
