/**
 * `GET /auth/v1.0` (and `/auth/v1`): tempauth's v1.0 login. X-Auth-User / X-Auth-Key (or
 * X-Storage-User / X-Storage-Pass) in; X-Auth-Token and X-Storage-Url out.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { TempAuth } from '../../auth/index.js'
import { headerValue } from './headers.js'
import { sendError } from './errors.js'

export function storageUrl (req: FastifyRequest, account: string): string {
  const host = headerValue(req.headers, 'host') ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 80}`
  return `${req.protocol}://${host}/v1/${encodeURIComponent(account)}`
}

export async function handleAuthV1 (tempauth: TempAuth, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const user = headerValue(req.headers, 'x-auth-user') ?? headerValue(req.headers, 'x-storage-user')
  const key = headerValue(req.headers, 'x-auth-key') ?? headerValue(req.headers, 'x-storage-pass')
  if (user === undefined || key === undefined) return sendError(reply, 401, 'Unauthorized: X-Auth-User and X-Auth-Key are required')
  const login = tempauth.login(user, key)
  if (login === undefined) {
    req.log.info({ user, reason: 'bad user or key' }, 'authentication failed')
    return sendError(reply, 401)
  }
  return reply.code(200)
    .header('x-auth-token', login.token)
    .header('x-storage-token', login.token)
    .header('x-auth-token-expires', String(Math.max(0, login.expires - Math.floor(Date.now() / 1000))))
    .header('x-storage-url', storageUrl(req, login.identity.account))
    .header('content-type', 'text/plain; charset=utf-8')
    .send('')
}
