/**
 * The proxy's graceful stop. On SIGTERM or SIGINT it stops accepting connections (HAProxy's
 * health checks then fail over to the other proxies), answers 503 to any new request on a
 * kept-alive connection, closes idle connections, and lets the requests in flight finish,
 * uploads included, for up to `shutdown_timeout` seconds. Past that it cuts what is left and exits
 * with 1, so a service manager can tell a clean stop from a forced one. A second signal is not
 * caught: it ends the process at once, as an operator pressing Ctrl-C twice expects.
 */
import type { FastifyInstance } from 'fastify'
import type { Logger } from '../common/logger.js'

export interface ShutdownOptions {
  timeoutMs: number
  logger: Logger
  /** Releases what the proxy holds (rings, backend connections) once the server has closed. */
  release: () => Promise<void>
  /** Runs from the start of the stop, with the server's close: stopping the forked workers. */
  alongside?: () => Promise<void>
  /**
   * A forked worker (workers.ts) stops on SIGTERM from the first process, or when that process
   * is gone; SIGINT, which Ctrl-C sends to every process of the terminal's group, is the first
   * process's to pass on.
   */
  forked?: boolean
}

export function stopOnSignals (app: FastifyInstance, opts: ShutdownOptions): void {
  let stopping = false
  const stop = (signal: string): void => {
    // A worker told to stop by its first process also sees that process go.
    if (stopping) return
    stopping = true
    opts.logger.info({ signal, timeoutSeconds: opts.timeoutMs / 1000 }, 'proxy stopping: finishing requests in flight')
    const force = setTimeout(() => {
      opts.logger.warn({ timeoutSeconds: opts.timeoutMs / 1000 }, 'shutdown timeout: cutting the connections still open')
      app.server.closeAllConnections()
      process.exit(1)
    }, opts.timeoutMs)
    void Promise.all([app.close(), opts.alongside?.()])
      .then(async () => { await opts.release() })
      .then(() => {
        clearTimeout(force)
        opts.logger.info('proxy stopped')
        process.exit(0)
      }, (err: unknown) => {
        opts.logger.error({ err }, 'unclean stop')
        process.exit(1)
      })
  }
  process.once('SIGTERM', () => { stop('SIGTERM') })
  if (opts.forked === true) {
    process.on('SIGINT', () => {})
    process.once('disconnect', () => { stop('disconnect') })
  } else {
    process.once('SIGINT', () => { stop('SIGINT') })
  }
}
