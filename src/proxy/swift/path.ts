/**
 * Parsing and checking the Swift API path `/v1/{account}[/{container}[/{object}]]`. Names are
 * percent-decoded once, must be valid UTF-8 without NUL, and obey Swift's length limits.
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
  const m = /^\/(v1(?:\.0)?)\/([^/]+)(?:\/([^/]*)(?:\/(.*))?)?$/.exec(rawPath)
  if (m === null) return undefined
  const [, version, rawAccount, rawContainer, rawObject] = m
  const account = decodeName(rawAccount)
  checkLength('Account', account, MAX_ACCOUNT_NAME_LENGTH)
  const path: SwiftPath = { version, account }
  if (rawContainer === undefined || (rawContainer === '' && rawObject === undefined)) return path
  if (rawContainer === '') throw new CoreError('PRECONDITION_FAILED', 'Bad URL: empty container name')
  path.container = decodeName(rawContainer)
  checkLength('Container', path.container, MAX_CONTAINER_NAME_LENGTH)
  if (path.container.includes('/')) throw new CoreError('BAD_REQUEST', 'Container name may not contain a slash')
  if (rawObject === undefined || rawObject === '') return path
  path.object = decodeName(rawObject)
  checkLength('Object', path.object, MAX_OBJECT_NAME_LENGTH)
  return path
}
