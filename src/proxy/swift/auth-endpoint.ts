/**
 * `GET /auth/v1.0` (and `/auth/v1`): tempauth's v1.0 login. X-Auth-User / X-Auth-Key (or
 * X-Storage-User / X-Storage-Pass) in; X-Auth-Token and X-Storage-Url out.
 * `DELETE /auth/v1.0` with X-Auth-Token: revokes every token of that token's user issued so far
 * (log out everywhere); answers 204. Other methods get 405, as from tempauth.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { noteAuthFailure, noteIdentity, type Authenticator } from '../../auth/index.js'
import { headerValue } from './headers.js'
import { sendError } from './errors.js'

export function storageUrl (req: FastifyRequest, account: string): string {
  const host = headerValue(req.headers, 'host') ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 80}`
  return `${req.protocol}://${host}/v1/${encodeURIComponent(account)}`
}

async function revokeTokens (auth: Authenticator, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const token = headerValue(req.headers, 'x-auth-token') ?? headerValue(req.headers, 'x-storage-token') ?? ''
  const check = await auth.checkToken(token)
  if (!check.ok || check.identity.via !== 'tempauth' || auth.revocations === undefined) {
    noteAuthFailure(req.raw, check.ok ? 'token revocation needs a tempauth token' : check.reason)
    return sendError(reply, check.ok ? 403 : check.status)
  }
  noteIdentity(req.raw, check.identity)
  await auth.revocations.revokeAll(check.identity)
  return reply.code(204).send()
}

export async function handleAuthV1 (auth: Authenticator, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const tempauth = auth.tempauth
  if (tempauth === undefined) return sendError(reply, 404)
  if (req.method === 'DELETE') return await revokeTokens(auth, req, reply)
  if (req.method !== 'GET') return sendError(reply, 405)
  const user = headerValue(req.headers, 'x-auth-user') ?? headerValue(req.headers, 'x-storage-user')
  const key = headerValue(req.headers, 'x-auth-key') ?? headerValue(req.headers, 'x-storage-pass')
  if (user === undefined || key === undefined) return sendError(reply, 401, 'Unauthorized: X-Auth-User and X-Auth-Key are required')
  const login = tempauth.login(user, key)
  if (login === undefined) {
    noteAuthFailure(req.raw, 'bad user or key', user)
    return sendError(reply, 401)
  }
  noteIdentity(req.raw, login.identity)
  return reply.code(200)
    .header('x-auth-token', login.token)
    .header('x-storage-token', login.token)
    .header('x-auth-token-expires', String(Math.max(0, login.expires - Math.floor(Date.now() / 1000))))
    .header('x-storage-url', storageUrl(req, login.identity.account))
    .header('content-type', 'text/plain; charset=utf-8')
    .send('')
}
