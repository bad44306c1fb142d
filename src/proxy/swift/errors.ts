/** Swift's error dialect: a status and a short plain-text body. */
import type { FastifyReply } from 'fastify'
import { CoreError, type CoreErrorCode } from '../core/errors.js'

/** The Swift status of each core error (also used by middlewares that report per-item outcomes). */
export const STATUS: Record<CoreErrorCode, number> = {
  NOT_FOUND: 404,
  CONTAINER_NOT_FOUND: 404,
  ACCOUNT_NOT_FOUND: 404,
  CONFLICT: 409,
  CONTAINER_NOT_EMPTY: 409,
  POLICY_CONFLICT: 409,
  BAD_REQUEST: 400,
  UNPROCESSABLE: 422,
  PRECONDITION_FAILED: 412,
  NOT_MODIFIED: 304,
  RANGE_NOT_SATISFIABLE: 416,
  LENGTH_REQUIRED: 411,
  TOO_LARGE: 413,
  QUOTA_EXCEEDED: 413,
  UNAVAILABLE: 503,
  TIMEOUT: 408
}

/** The body Swift sends with a bare status. */
export const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  416: 'Requested Range Not Satisfiable',
  422: 'Unprocessable Entity',
  499: 'Client Disconnect',
  500: 'Internal Server Error',
  503: 'Service Unavailable'
}

export function sendError (reply: FastifyReply, status: number, text?: string): FastifyReply {
  const body = `${text ?? STATUS_TEXT[status] ?? 'Error'}`
  return reply.code(status).header('content-type', 'text/plain; charset=utf-8').send(status === 304 ? undefined : body)
}

export function sendCoreError (reply: FastifyReply, err: CoreError): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v)
  const status = STATUS[err.code]
  return sendError(reply, status, status === 503 ? STATUS_TEXT[503] : err.message)
}
