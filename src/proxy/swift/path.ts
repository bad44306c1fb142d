/**
 * Parsing and checking the Swift API path `/v1/{account}[/{container}[/{object}]]`. As in Swift,
 * the whole path is percent-decoded once and then split, so an encoded slash (`%2F`) separates
 * account, container and object like a plain one. Names must be valid UTF-8 without NUL and obey
 * Swift's length limits; otherwise they are opaque: `.` and `..` segments are names like any
 * other (Swift stores `a/../b` as that), never resolved.
 */
import { CoreError } from '../core/errors.js'

export const MAX_ACCOUNT_NAME_LENGTH = 256
export const MAX_CONTAINER_NAME_LENGTH = 256
export const MAX_OBJECT_NAME_LENGTH = 1024

export interface SwiftPath {
  version: string
  account: string
  container?: string
  object?: string
}

/** Decodes one percent-encoded name; invalid UTF-8 or NUL is a 412 as in Swift. */
export function decodeName (raw: string): string {
  let name: string
  try {
    name = decodeURIComponent(raw)
  } catch {
    throw new CoreError('PRECONDITION_FAILED', 'Invalid UTF8 or contains NULL')
  }
  if (name.includes('\u0000') || name.includes('\uFFFD')) throw new CoreError('PRECONDITION_FAILED', 'Invalid UTF8 or contains NULL')
  return name
}

function checkLength (kind: string, name: string, max: number): void {
  const bytes = Buffer.byteLength(name)
  if (bytes > max) throw new CoreError('BAD_REQUEST', `${kind} name length of ${bytes} longer than ${max}`)
}

/** Splits a raw URL path (no query) into its parts; undefined if it is not a /v1 path. */
export function parseSwiftPath (rawPath: string): SwiftPath | undefined {
  if (!/^\/v1(?:\.0)?(?:\/|%2F)/i.test(rawPath)) return undefined
  // `s`: a decoded object name may hold a newline.
  const m = /^\/(v1(?:\.0)?)\/([^/]+)(?:\/([^/]*)(?:\/(.*))?)?$/s.exec(decodeName(rawPath))
  if (m === null) return undefined
  const [, version, account, container, object] = m
  checkLength('Account', account, MAX_ACCOUNT_NAME_LENGTH)
  const path: SwiftPath = { version, account }
  if (container === undefined || (container === '' && object === undefined)) return path
  if (container === '') throw new CoreError('PRECONDITION_FAILED', 'Bad URL: empty container name')
  checkLength('Container', container, MAX_CONTAINER_NAME_LENGTH)
  path.container = container
  if (object === undefined || object === '') return path
  checkLength('Object', object, MAX_OBJECT_NAME_LENGTH)
  path.object = object
  return path
}
