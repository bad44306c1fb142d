/**
 * The audit trail: one structured line per request (pino, `log: "audit"`) with the time, the
 * transaction id, the client address, the authenticated user and account, method, path (never the
 * query, which may hold signatures), status, body bytes in and out, duration and API. The front
 * ends note who the caller turned out to be, or why authentication failed, on the request
 * (`noteIdentity`, `noteAuthFailure`); secrets are never noted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../common/logger.js'
import type { Identity } from './types.js'

export interface AuditNote {
  user?: string
  account?: string
  /** Why authentication failed: for the log, never for the client. */
  authFailure?: string
  bytesIn: number
  bytesOut: number
}

const notes = new WeakMap<IncomingMessage, AuditNote>()

export function auditNote (req: IncomingMessage): AuditNote {
  let note = notes.get(req)
  if (note === undefined) {
    note = { bytesIn: 0, bytesOut: 0 }
    notes.set(req, note)
  }
  return note
}

export function noteIdentity (req: IncomingMessage, identity: Identity | undefined): void {
  if (identity === undefined) return
  const note = auditNote(req)
  note.user = identity.user
  note.account = identity.account
}

/** `user` is the name a login claimed, when there is one; the reason says what was wrong. */
export function noteAuthFailure (req: IncomingMessage, reason: string, user?: string): void {
  const note = auditNote(req)
  note.authFailure = reason
  if (user !== undefined) note.user = user
}

function byteLength (chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8')
  return chunk instanceof Uint8Array ? chunk.byteLength : 0
}

/**
 * Counts the body bytes of a request and its response. Bodies are streamed by the handlers, so
 * counting must not consume or pause them: the request's `push` (where the HTTP parser delivers
 * body chunks) and the response's `write`/`end` are wrapped on this one request, which leaves
 * flow control untouched.
 */
export function countBodyBytes (req: IncomingMessage, res: ServerResponse): void {
  const note = auditNote(req)
  const push = req.push.bind(req)
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk !== null) note.bytesIn += byteLength(chunk, encoding)
    return push(chunk, encoding)
  }
  const write = res.write.bind(res) as (...args: unknown[]) => boolean
  res.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    note.bytesOut += byteLength(chunk, rest[0])
    return write(chunk, ...rest)
  }) as typeof res.write
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse
  res.end = ((chunk?: unknown, ...rest: unknown[]): ServerResponse => {
    if (typeof chunk !== 'function') note.bytesOut += byteLength(chunk, rest[0])
    return end(chunk, ...rest)
  }) as typeof res.end
}

export interface AuditEvent {
  transId: string
  client: string
  method: string
  url: string
  status: number
  durationMs: number
  api: string
}

export function writeAuditLine (logger: Logger, req: IncomingMessage, event: AuditEvent): void {
  const note = auditNote(req)
  const q = event.url.indexOf('?')
  logger.info({
    trans_id: event.transId,
    client_ip: event.client,
    user: note.user ?? null,
    account: note.account ?? null,
    method: event.method,
    path: q < 0 ? event.url : event.url.slice(0, q),
    status: event.status,
    bytes_in: note.bytesIn,
    bytes_out: note.bytesOut,
    duration_ms: Math.round(event.durationMs * 1000) / 1000,
    api: event.api,
    ...(note.authFailure !== undefined ? { auth_failure: note.authFailure } : {})
  }, 'request')
}
