/** One root pino logger per process; modules take children with their own bindings. */
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger (name: string, level = 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid, daemon: name } })
}
