/**
 * The thread behind page-cache.ts: drops a file's pages from the kernel's page cache with
 * posix_fadvise(POSIX_FADV_DONTNEED). Node's fs has no fadvise; its WASI layer has one (fd_advise,
 * which libuv's uvwasi passes to posix_fadvise), so the file is opened and advised through WASI,
 * with the whole filesystem as its one preopened directory. WASI's calls are synchronous, which
 * is why they run here and not on objectd's event loop.
 *
 * Each message is an absolute path; a path that fails for another reason than having been removed
 * since is posted back as `{ path, errno }` (WASI's errno numbering).
 */
import { WASI } from 'node:wasi'
import { parentPort } from 'node:worker_threads'

// The WebAssembly global, as far as it is used here (TypeScript declares it only for the DOM).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: { memory: { buffer: ArrayBuffer } } }
}

/** A WebAssembly module with one page of memory, exported as `memory`, and nothing else. */
const MEMORY_ONLY_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x05, 0x03, 0x01, 0x00, 0x01, // memory section: one memory, no maximum, one page
  0x07, 0x0a, 0x01, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00 // export "memory" = memory 0
])
const ROOT_FD = 3 // the first preopened directory
const RIGHT_FD_ADVISE = 1n << 7n
const ADVICE_DONTNEED = 4
const ERRNO_NAMETOOLONG = 37
const ERRNO_NOENT = 44
const FD_OUT_AT = 0
const PATH_AT = 8
const PAGE_BYTES = 65536

const wasi = new WASI({ version: 'preview1', preopens: { '/': '/' }, returnOnExit: true })
const instance = new WebAssembly.Instance(new WebAssembly.Module(MEMORY_ONLY_MODULE))
wasi.initialize(instance)
const memory = instance.exports.memory.buffer
const bytes = new Uint8Array(memory)
const words = new DataView(memory)
const encoder = new TextEncoder()
type WasiCall = (...args: Array<number | bigint>) => number
const call = wasi.wasiImport as Record<'path_open' | 'fd_advise' | 'fd_close', WasiCall>

function dropPages (path: string): number {
  const relative = path.replace(/^\/+/, '')
  const { read, written } = encoder.encodeInto(relative, bytes.subarray(PATH_AT, PAGE_BYTES))
  if (read < relative.length) return ERRNO_NAMETOOLONG
  const opened = call.path_open(ROOT_FD, 0, PATH_AT, written, 0, RIGHT_FD_ADVISE, 0n, 0, FD_OUT_AT)
  if (opened !== 0) return opened
  const fd = words.getUint32(FD_OUT_AT, true)
  const advised = call.fd_advise(fd, 0n, 0n, ADVICE_DONTNEED)
  call.fd_close(fd)
  return advised
}

parentPort?.on('message', (path: string) => {
  const errno = dropPages(path)
  if (errno !== 0 && errno !== ERRNO_NOENT) parentPort?.postMessage({ path, errno })
})
