/**
 * S3's error dialect: an XML body with a Code and a Message, the status S3 uses for that Code,
 * and x-amz-request-id. Core errors are mapped here and nowhere else.
 */
import { CoreError, type CoreErrorCode } from '../core/errors.js'

/** Every S3 error code this front end sends, with its HTTP status. */
const STATUS = {
  AccessDenied: 403,
  AccessForbidden: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketAlreadyExists: 409,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidLocationConstraint: 400,
  InvalidPart: 400,
  InvalidPartNumber: 416,
  InvalidPartOrder: 400,
  InvalidPolicyDocument: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidStorageClass: 400,
  InvalidTag: 400,
  InvalidURI: 400,
  KeyTooLongError: 400,
  MalformedPOSTRequest: 400,
  MalformedXML: 400,
  MaxMessageLengthExceeded: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  MissingSecurityHeader: 400,
  NoSuchBucket: 404,
  NoSuchCORSConfiguration: 404,
  NoSuchKey: 404,
  NoSuchTagSet: 404,
  NoSuchUpload: 404,
  NoSuchVersion: 404,
  NotImplemented: 501,
  NotModified: 304,
  OperationAborted: 409,
  PreconditionFailed: 412,
  RequestTimeTooSkewed: 403,
  ServiceUnavailable: 503,
  SignatureDoesNotMatch: 403,
  SlowDown: 503,
  XAmzContentSHA256Mismatch: 400,
  RequestTimeout: 400
} as const

export type S3ErrorCode = keyof typeof STATUS

export class S3Error extends Error {
  readonly status: number

  /** `fields` are extra elements of the error body (BucketName, Key, ExpectedRegion, ...). */
  constructor (readonly code: S3ErrorCode, message: string, readonly fields: Record<string, string> = {},
    readonly headers: Record<string, string> = {}) {
    super(message)
    this.status = STATUS[code]
  }
}

const CORE_TO_S3: Record<CoreErrorCode, S3ErrorCode> = {
  NOT_FOUND: 'NoSuchKey',
  CONTAINER_NOT_FOUND: 'NoSuchBucket',
  ACCOUNT_NOT_FOUND: 'NoSuchBucket',
  CONFLICT: 'OperationAborted',
  CONTAINER_NOT_EMPTY: 'BucketNotEmpty',
  POLICY_CONFLICT: 'BucketAlreadyOwnedByYou',
  BAD_REQUEST: 'InvalidArgument',
  UNPROCESSABLE: 'BadDigest',
  PRECONDITION_FAILED: 'PreconditionFailed',
  NOT_MODIFIED: 'NotModified',
  RANGE_NOT_SATISFIABLE: 'InvalidRange',
  LENGTH_REQUIRED: 'MissingContentLength',
  TOO_LARGE: 'EntityTooLarge',
  QUOTA_EXCEEDED: 'AccessDenied',
  UNAVAILABLE: 'ServiceUnavailable',
  TIMEOUT: 'RequestTimeout'
}

export function fromCoreError (err: CoreError): S3Error {
  const code = CORE_TO_S3[err.code]
  return new S3Error(code, code === 'ServiceUnavailable' ? 'Please reduce your request rate.' : err.message)
}

const XML_SPECIAL = /[&<>"']/
const XML_SPECIALS = /[&<>"']/g
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/** Most keys and values need no escaping: they are returned as they are, without a copy. */
export function escapeXml (s: string): string {
  return XML_SPECIAL.test(s) ? s.replace(XML_SPECIALS, (c) => XML_ENTITIES[c]) : s
}

/** The error document; `resource` is the request's path. */
export function errorBody (err: S3Error, resource: string, requestId: string): string {
  const extra = Object.entries(err.fields).map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join('')
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message>${extra}` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`
}

export const noSuchBucket = (bucket: string): S3Error =>
  new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket })
export const noSuchKey = (key: string, headers: Record<string, string> = {}): S3Error =>
  new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key }, headers)
export const accessDenied = (): S3Error => new S3Error('AccessDenied', 'Access Denied')
export const preconditionFailed = (fields: Record<string, string> = {}): S3Error =>
  new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', fields)
export const malformedXml = (): S3Error =>
  new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema')
export const notImplemented = (what: string): S3Error => new S3Error('NotImplemented', `${what} is not implemented`)
export const invalidArgument = (message: string, name: string, value: string): S3Error =>
  new S3Error('InvalidArgument', message, { ArgumentName: name, ArgumentValue: value })
