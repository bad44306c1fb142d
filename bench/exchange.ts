/**
 * One request and its whole answer, as cheaply as undici allows: a dispatch handler that counts
 * the body's bytes as they arrive. The load generator shares the machine's two cores with the
 * servers it measures, so every microsecond it spends per request is taken from them; a response
 * body as a stream, read by async iteration, cost it about twice as much CPU per small request.
 */
import type { Dispatcher } from 'undici'

export interface Exchanged {
  status: number
  /** Body bytes received. */
  received: number
}

export async function exchange (pool: Dispatcher, method: Dispatcher.HttpMethod, path: string,
  headers: Record<string, string>, body?: Buffer): Promise<Exchanged> {
  return await new Promise((resolve, reject) => {
    let status = 0
    let received = 0
    // reset: false keeps the connection after a HEAD too, as the clients people use do (undici
    // closes it by default, in case a server sends a body anyway): otherwise the HEAD phase
    // measured a TCP connection per request.
    pool.dispatch({ method, path, headers, body, reset: false }, {
      // Its presence tells undici this handler speaks the controller API.
      onRequestStart () {},
      onResponseStart (_controller, statusCode) { status = statusCode },
      onResponseData (_controller, chunk) { received += chunk.length },
      onResponseEnd () { resolve({ status, received }) },
      onResponseError (_controller, err) { reject(err) }
    })
  })
}
