/**
 * What the core reports, independent of API dialect. Each front end maps these to its own
 * status and body (Swift: status + plain text; S3: XML with a Code).
 */
export type CoreErrorCode =
  | 'NOT_FOUND'
  | 'CONTAINER_NOT_FOUND'
  | 'ACCOUNT_NOT_FOUND'
  | 'CONFLICT'
  | 'CONTAINER_NOT_EMPTY'
  | 'POLICY_CONFLICT'
  | 'BAD_REQUEST'
  | 'UNPROCESSABLE'
  | 'PRECONDITION_FAILED'
  | 'NOT_MODIFIED'
  | 'RANGE_NOT_SATISFIABLE'
  | 'LENGTH_REQUIRED'
  | 'TOO_LARGE'
  | 'QUOTA_EXCEEDED'
  | 'UNAVAILABLE'
  | 'TIMEOUT'

export class CoreError extends Error {
  constructor (readonly code: CoreErrorCode, message: string, readonly headers: Record<string, string> = {}) {
    super(message)
  }
}

export const notFound = (what: string): CoreError => new CoreError('NOT_FOUND', `${what} not found`)
export const unavailable = (what: string): CoreError => new CoreError('UNAVAILABLE', what)
export const badRequest = (what: string): CoreError => new CoreError('BAD_REQUEST', what)
