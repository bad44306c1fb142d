/**
 * One root pino logger per process; modules take children with their own bindings.
 *
 * Every logger of a process writes through one destination on stdout, which gathers lines and
 * writes them at least 4 KiB at a time, and whatever it holds once a second. The proxy's audit
 * trail is a line per request: written one by one, each line was its own write(2), handed to
 * libuv's thread pool and back; batched, about ten lines share one. Sharing the destination
 * keeps the audit trail and the other lines whole and in order, whether stdout is a file, a pipe
 * or the journal. pino writes what is held when the process exits.
 */
import { pino, type Logger } from 'pino'

export type { Logger }

const BATCH_BYTES = 4096
const FLUSH_INTERVAL_MS = 1000

type Destination = ReturnType<typeof pino.destination>

let destination: Destination | undefined

function processDestination (): Destination {
  destination ??= pino.destination({ dest: 1, sync: false, minLength: BATCH_BYTES, periodicFlush: FLUSH_INTERVAL_MS })
  return destination
}

export function createLogger (name: string, level = 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid, daemon: name } }, processDestination())
}
