/**
 * Request paths: `/{device}[/{partition}[/{account}[/{container}[/{object}]]]]`, each part
 * percent-decoded and checked here, once, before any handler runs.
 *
 * The device is the only name that reaches the filesystem, so it must be one plain path segment.
 * Account, container and object names only ever become hashes and LevelDB keys, so they are
 * opaque as in Swift: valid UTF-8, no NUL, bounded length, and `.` and `..` segments are names
 * like any other (`a/../b` is stored as that; nothing resolves it). Senders percent-encode such
 * segments (see common/name-path.ts), which decodes to the same name.
 */
import { BadRequest } from './errors.js'

export const MAX_OBJECT_NAME_BYTES = 1024
export const MAX_CONTAINER_NAME_BYTES = 256
export const MAX_ACCOUNT_NAME_BYTES = 256

export interface ParsedPath {
  device: string
  partition?: number
  account?: string
  container?: string
  object?: string
}

const NON_PRINTABLE_ASCII = /[^\x21-\x7e]/
const DEVICE_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/

function decode (raw: string, what: string): string {
  let value: string
  try {
    value = decodeURIComponent(raw)
  } catch {
    throw new BadRequest(`${what} is not valid percent-encoded UTF-8`)
  }
  if (value.includes('\0')) throw new BadRequest(`${what} contains NUL`)
  return value
}

function checkName (value: string, what: string, maxBytes: number, allowSlash: boolean): string {
  if (value === '') throw new BadRequest(`${what} is empty`)
  if (Buffer.byteLength(value) > maxBytes) throw new BadRequest(`${what} is longer than ${maxBytes} bytes`)
  if (!allowSlash && value.includes('/')) throw new BadRequest(`${what} contains an encoded slash`)
  return value
}

/** Parses the path part of a request URL (no query string). */
export function parsePath (pathname: string): ParsedPath {
  if (!pathname.startsWith('/')) throw new BadRequest('path must start with /')
  // Non-ASCII must arrive percent-encoded: raw bytes would reach us as latin1 characters, and
  // decodeURIComponent already rejects percent-encoded invalid UTF-8 (and lone surrogates).
  if (NON_PRINTABLE_ASCII.test(pathname)) throw new BadRequest('path has raw non-ASCII or control characters; percent-encode them')
  const parts = pathname.slice(1).split('/')
  const device = decode(parts[0], 'device')
  if (!DEVICE_RE.test(device) || device === '..') throw new BadRequest(`invalid device name: ${JSON.stringify(device)}`)
  const out: ParsedPath = { device }
  if (parts.length < 2) return out
  const partition = parts[1]
  if (!/^\d{1,10}$/.test(partition) || Number(partition) > 0xffffffff) throw new BadRequest(`invalid partition: ${JSON.stringify(partition)}`)
  out.partition = Number(partition)
  if (parts.length < 3) return out
  out.account = checkName(decode(parts[2], 'account'), 'account name', MAX_ACCOUNT_NAME_BYTES, false)
  if (parts.length < 4) return out
  out.container = checkName(decode(parts[3], 'container'), 'container name', MAX_CONTAINER_NAME_BYTES, false)
  if (parts.length < 5) return out
  out.object = checkName(decode(parts.slice(4).join('/'), 'object'), 'object name', MAX_OBJECT_NAME_BYTES, true)
  return out
}
