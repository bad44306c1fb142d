/**
 * The proxy's HTTP client for storage nodes: one undici Agent with keep-alive connections to
 * every node, Swift-style timeouts (conn_timeout to connect, node_timeout for headers and for
 * each body chunk), and error accounting in NodeHealth.
 */
import { Agent, type Dispatcher } from 'undici'
import type { Readable } from 'node:stream'
import type { Device } from '../../ring/index.js'
import { encodeName } from '../../common/name-path.js'
import { NodeHealth } from './health.js'

export interface BackendOptions {
  connTimeoutMs: number
  nodeTimeoutMs: number
  errorLimit: number
  errorIntervalMs: number
  /** Told of every failed request to a node, for metrics; `kind` as in ProxyMetrics.backendErrors. */
  onError?: (nodeKey: string, kind: BackendErrorKind) => void
}

export type BackendErrorKind = 'timeout' | 'network' | 'status'

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

export interface BackendResponse {
  status: number
  headers: Record<string, string>
  body: Dispatcher.ResponseData['body']
  node: Device
}

export type BackendHeaders = Record<string, string>

/**
 * `/{device}/{part}/{account}[/{container}[/{object}]]` on a node, names percent-encoded (dot
 * segments too: see common/name-path.ts). Sent as undici's `path`, never parsed as a URL.
 */
export function backendPath (node: Device, part: number, account: string, container?: string, object?: string): string {
  let path = `/${encodeName(node.device)}/${part}/${encodeName(account)}`
  if (container !== undefined) path += `/${encodeName(container)}`
  if (object !== undefined) path += `/${encodeName(object, true)}`
  return path
}

function flattenHeaders (raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  // for-in rather than Object.entries: no array of pairs per response.
  for (const k in raw) {
    const v = raw[k]
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  }
  return out
}

/**
 * undici's body emits RequestAbortedError when a caller destroys it before its end (a manifest
 * read only for its headers, a body a client stopped reading); with no listener, that error
 * would end the process. Readers still get every error through their own iteration or pipeline.
 */
function ignoreAbandoned (): void {}

export class BackendClient {
  readonly health: NodeHealth
  private readonly agent: Agent
  private readonly onError: BackendOptions['onError']

  constructor (opts: BackendOptions) {
    this.onError = opts.onError
    this.health = new NodeHealth(opts.errorLimit, opts.errorIntervalMs)
    this.agent = new Agent({
      connect: { timeout: opts.connTimeoutMs },
      keepAliveTimeout: 30_000,
      connections: 128,
      headersTimeout: opts.nodeTimeoutMs,
      bodyTimeout: opts.nodeTimeoutMs
    })
  }

  /**
   * One request to one node. Network errors and timeouts count against the node and are
   * rethrown; the caller decides whether to try another node.
   */
  async request (node: Device, method: Dispatcher.HttpMethod, path: string, headers: BackendHeaders,
    body?: Readable | Buffer | string, signal?: AbortSignal): Promise<BackendResponse> {
    try {
      const res = await this.agent.request({
        origin: `http://${node.ip}:${node.port}`,
        path,
        method,
        headers,
        body: body ?? null,
        signal,
        // undici closes a connection after every HEAD by default, in case a server sends a body
        // anyway; objectd does not, and a reconnect per HEAD doubled a small PUT's cost.
        reset: false
      })
      if (res.statusCode === 507 || res.statusCode >= 500) this.failed(node, 'status')
      res.body.on('error', ignoreAbandoned)
      return { status: res.statusCode, headers: flattenHeaders(res.headers), body: res.body, node }
    } catch (err) {
      this.failed(node, TIMEOUT_CODES.has((err as { code?: string }).code ?? '') ? 'timeout' : 'network')
      throw err
    }
  }

  private failed (node: Device, kind: BackendErrorKind): void {
    this.health.recordError(node, kind !== 'status')
    this.onError?.(NodeHealth.key(node), kind)
  }

  async close (): Promise<void> {
    await this.agent.close()
  }
}

/** Reads and discards a response body so its connection goes back to the pool. */
export async function drain (res: BackendResponse): Promise<void> {
  try {
    await res.body.dump()
  } catch {}
}
