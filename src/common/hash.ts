/**
 * Name hashing shared by every process of a cluster.
 *
 * A name's hash is the 64-bit xxhash of `prefix/account[/container[/object]]suffix`, where prefix
 * and suffix are the cluster's secrets (hash_path_prefix / hash_path_suffix). Changing either moves
 * every name to another partition, so they are set once for the life of a cluster.
 *
 * The hashing is xxhash-wasm's own WebAssembly module (the file the package ships), called directly
 * rather than through the package's JavaScript wrapper: the path is written straight into the
 * module's memory with no concatenated string, and ring lookups take the top 32 bits through a
 * few bytes of wasm glue, so that no BigInt is made at all. getNodes went from 1.3 to about
 * 3.5 million per CPU-second (see bench/ring).
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'

/** The little of the WebAssembly global this module uses (the project's type libraries lack it). */
declare const WebAssembly: {
  instantiate: (module: Uint8Array, imports?: object) => Promise<{ instance: { exports: unknown } }>
}

interface XxhashExports {
  mem: { buffer: ArrayBuffer, grow: (pages: number) => number }
  /** xxh64(offset, length, seed): the hash of memory[offset, offset + length), as a signed i64. */
  xxh64: (offset: number, length: number, seed: bigint) => bigint
}

interface Hasher extends XxhashExports {
  /** The top 32 bits of xxh64(offset, length, 0) as a signed i32: see TOP32_GLUE. */
  top32: (offset: number, length: number) => number
}

/**
 * A wasm module that imports xxh64 and exports top32; a wasm-to-wasm call passes the i64 without
 * the BigInt that JavaScript would need. Its text form:
 *
 *   (module
 *     (import "xxhash" "xxh64" (func $xxh64 (param i32 i32 i64) (result i64)))
 *     (func (export "top32") (param i32 i32) (result i32)
 *       (i32.wrap_i64 (i64.shr_u (call $xxh64 (local.get 0) (local.get 1) (i64.const 0)) (i64.const 32)))))
 */
const TOP32_GLUE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x0e, 0x02, 0x60, 0x03, 0x7f, 0x7f, 0x7e, 0x01, 0x7e, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // types: (i32 i32 i64)->i64, (i32 i32)->i32
  0x02, 0x10, 0x01, 0x06, 0x78, 0x78, 0x68, 0x61, 0x73, 0x68, 0x05, 0x78, 0x78, 0x68, 0x36, 0x34, 0x00, 0x00, // import xxhash.xxh64, type 0
  0x03, 0x02, 0x01, 0x01, // one function of type 1
  0x07, 0x09, 0x01, 0x05, 0x74, 0x6f, 0x70, 0x33, 0x32, 0x00, 0x01, // export "top32" = function 1
  0x0a, 0x10, 0x01, 0x0e, 0x00, 0x20, 0x00, 0x20, 0x01, 0x42, 0x00, 0x10, 0x00, 0x42, 0x20, 0x88, 0xa7, 0x0b // its body
])

let wasm: Hasher | undefined
let memory = new Uint8Array(0)
const utf8 = new TextEncoder()

/** Loads the wasm hasher; call once at process start before any hashPath. */
export async function initHashing (): Promise<void> {
  if (wasm !== undefined) return
  const file = join(createRequire(import.meta.url).resolve('xxhash-wasm'), '../../workerd/xxhash.wasm')
  const xxhash = (await WebAssembly.instantiate(await readFile(file))).instance.exports as XxhashExports
  const glue = (await WebAssembly.instantiate(TOP32_GLUE, { xxhash })).instance.exports as Pick<Hasher, 'top32'>
  wasm = { ...xxhash, top32: glue.top32 }
  memory = new Uint8Array(wasm.mem.buffer)
}

export interface HashSecrets {
  prefix: string
  suffix: string
}

/** The path string that is hashed; account alone, account/container, or the full object path. */
export function namePath (account: string, container?: string, object?: string): string {
  if (object !== undefined) return `/${account}/${container ?? ''}/${object}`
  if (container !== undefined) return `/${account}/${container}`
  return `/${account}`
}

/** 64-bit hash of a name under the cluster's secrets. */
export function hashPath (secrets: HashSecrets, account: string, container?: string, object?: string): bigint {
  return BigInt.asUintN(64, rawHash(secrets, account, container, object))
}

/** The top 32 bits of hashPath, as an unsigned integer: enough for any partition power up to 32. */
export function hashPathTop32 (secrets: HashSecrets, account: string, container?: string, object?: string): number {
  const hasher = requireHasher()
  const length = writePath(secrets, account, container, object)
  return hasher.top32(0, length) >>> 0
}

/** The same hash as 16 lowercase hex digits: the stable on-disk name of an object or listing. */
export function hashPathHex (secrets: HashSecrets, account: string, container?: string, object?: string): string {
  return hashPath(secrets, account, container, object).toString(16).padStart(16, '0')
}

const SLASH = 0x2f

function rawHash (secrets: HashSecrets, account: string, container?: string, object?: string): bigint {
  const hasher = requireHasher()
  return hasher.xxh64(0, writePath(secrets, account, container, object), 0n)
}

function requireHasher (): Hasher {
  if (wasm === undefined) throw new Error('hashing used before initHashing() resolved')
  return wasm
}

/** Puts the hashed path at the start of wasm memory; returns its length in bytes. */
function writePath (secrets: HashSecrets, account: string, container?: string, object?: string): number {
  const length = writeAscii(secrets, account, container, object)
  if (length >= 0) return length
  head.length = -1
  const path = secrets.prefix + namePath(account, container, object) + secrets.suffix
  reserve(path.length * 3)
  return utf8.encodeInto(path, memory).written
}

/**
 * Writes the hashed path into wasm memory byte by byte, which beats TextEncoder for the short
 * ASCII names that nearly every request has. Returns its length, or -1 when a part is not ASCII
 * (the caller then encodes the whole path as UTF-8, over these bytes).
 *
 * Consecutive object names mostly share their account and container, so `prefix/account/container/`
 * is left in memory and only rewritten when it changes: a lookup then writes only the object name
 * and the suffix.
 */
function writeAscii (secrets: HashSecrets, account: string, container?: string, object?: string): number {
  if (object !== undefined && head.length >= 0 && secrets === head.secrets && account === head.account && container === head.container) {
    const needed = head.length + object.length + secrets.suffix.length
    if (memory.length < needed) reserve(needed)
    return putObjectAndSuffix(object, secrets.suffix, head.length)
  }
  head.length = -1
  reserve(secrets.prefix.length + secrets.suffix.length + account.length + (container?.length ?? 0) + (object?.length ?? 0) + 3)
  let at = putAscii(memory, secrets.prefix, 0)
  if (at < 0) return -1
  memory[at++] = SLASH
  if ((at = putAscii(memory, account, at)) < 0) return -1
  if (container !== undefined || object !== undefined) {
    memory[at++] = SLASH
    if ((at = putAscii(memory, container ?? '', at)) < 0) return -1
  }
  if (object === undefined) return putAscii(memory, secrets.suffix, at)
  memory[at++] = SLASH
  head.secrets = secrets
  head.account = account
  head.container = container
  head.length = at
  return putObjectAndSuffix(object, secrets.suffix, at)
}

/** Writes the object name and then the suffix from `at`; -1 if either is not ASCII. */
function putObjectAndSuffix (object: string, suffix: string, at: number): number {
  const end = putAscii(memory, object, at)
  return end < 0 ? -1 : putAscii(memory, suffix, end)
}

/** What `prefix/account/container/` wasm memory holds from offset 0; length -1 when it holds none. */
const head: { secrets?: HashSecrets, account: string, container?: string, length: number } = { account: '', length: -1 }

/**
 * Copies text into bytes from `at`; returns the offset after it, or -1 at a character that is not
 * ASCII. Callers pass `memory` in rather than the loop reading the module's binding per byte:
 * 5 to 15% faster in six alternating rounds of a micro-benchmark.
 */
function putAscii (bytes: Uint8Array, text: string, at: number): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0x7f) return -1
    bytes[at++] = code
  }
  return at
}

/** Grows the wasm memory (64 KiB pages) so that `bytes` fit at offset 0. */
function reserve (bytes: number): void {
  const missing = bytes - memory.byteLength
  if (missing <= 0) return
  (wasm as Hasher).mem.grow(Math.ceil(missing / 65536))
  memory = new Uint8Array((wasm as Hasher).mem.buffer)
}
