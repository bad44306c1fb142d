/**
 * Self-contained auth tokens: `AUTH_tk` + base64url(JSON claims) + `.` + HMAC-SHA256 over the
 * claims with the cluster's token secret. Any proxy holding the secret verifies a token issued by
 * any other, with no shared cache. A token carries its expiry and its issue time; the issue time
 * lets a user's tokens be revoked (see revocation.ts), and rotating the secret revokes them all.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const TOKEN_PREFIX = 'AUTH_tk'
/** Longer strings are not our tokens; refusing them early bounds the work a forged one costs. */
const MAX_TOKEN_LENGTH = 1024

export interface TokenClaims {
  /** user, e.g. `test:tester` */
  u: string
  /** expiry, seconds since the epoch */
  e: number
  /** issue time, milliseconds since the epoch */
  i: number
  /** 128 random bits: tokens are unguessable even to someone who knows when they were issued */
  n: string
}

function sign (secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url')
}

export function issueToken (secret: string, user: string, lifetimeSeconds: number): { token: string, expires: number } {
  const now = Date.now()
  const expires = Math.floor(now / 1000) + lifetimeSeconds
  const claims: TokenClaims = { u: user, e: expires, i: now, n: randomBytes(16).toString('base64url') }
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url')
  return { token: `${TOKEN_PREFIX}${payload}.${sign(secret, payload)}`, expires }
}

export function isTempAuthToken (token: string): boolean {
  return token.startsWith(TOKEN_PREFIX)
}

/** The claims of a genuine, unexpired token; undefined for anything else, whatever was wrong. */
export function verifyToken (secret: string, token: string): TokenClaims | undefined {
  if (!isTempAuthToken(token) || token.length > MAX_TOKEN_LENGTH) return undefined
  const body = token.slice(TOKEN_PREFIX.length)
  const dot = body.indexOf('.')
  if (dot < 0) return undefined
  const payload = body.slice(0, dot)
  // Compared as text, not as decoded bytes: Node's base64 decoder skips stray characters and
  // ignores a last character's spare bits, so several strings would decode to one signature.
  const given = Buffer.from(body.slice(dot + 1))
  const expected = Buffer.from(sign(secret, payload))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  let claims: TokenClaims
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims
  } catch {
    return undefined
  }
  if (typeof claims.u !== 'string' || typeof claims.e !== 'number' || typeof claims.i !== 'number') return undefined
  if (claims.e <= Date.now() / 1000) return undefined
  return claims
}
