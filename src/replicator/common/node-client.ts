/**
 * The daemons' client of objectd's internal API (docs/internal-api.md): one undici Agent with
 * keep-alive for every node, timeouts from the daemon's config, and errors that name the node,
 * the request and the answer so a failed step is clear in the pass's log.
 */
import { Agent, type Dispatcher } from 'undici'
import { encodeName } from '../../common/name-path.js'
import type { Device } from '../../ring/index.js'

export class NodeRequestError extends Error {
  readonly code = 'RS_ERR_NODE_REQUEST'
  constructor (message: string, readonly status?: number) {
    super(message)
  }
}

/** Where a node's objectd listens for background traffic. */
export interface NodeAddress { ip: string, port: number }

export function replicationAddress (d: Device): NodeAddress {
  return { ip: d.replicationIp, port: d.replicationPort }
}

/** `/device/part/account[/container[/object]]`, each name percent-encoded; `name` is `a/c/o`, `a/c` or `a`. */
export function namePath (device: string, part: number, name: string): string {
  // The object name keeps its '/' as path separators: objectd takes the rest of the path.
  const [account, container, ...object] = name.split('/')
  const segments = container === undefined ? [account] : [account, container, ...object]
  return `/${encodeName(device)}/${part}/${segments.map((s) => encodeName(s)).join('/')}`
}

export type Headers = Record<string, string>

export interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: Dispatcher.ResponseData['body']
}

export class NodeClient {
  private readonly agent: Agent

  constructor (connTimeoutSeconds: number, private readonly nodeTimeoutSeconds: number) {
    this.agent = new Agent({ connect: { timeout: connTimeoutSeconds * 1000 }, keepAliveTimeout: 30_000, connections: 64 })
  }

  /** One request; the caller reads or dumps the body. */
  async raw (node: NodeAddress, method: Dispatcher.HttpMethod, path: string, headers: Headers = {},
    body?: Dispatcher.DispatchOptions['body']): Promise<RawAnswer> {
    const origin = `http://${node.ip}:${node.port}`
    const url = origin + path
    try {
      // origin and path apart: a URL string would lose a name's `..` segments (common/name-path.ts).
      const res = await this.agent.request({
        origin, path, method, headers, body,
        headersTimeout: this.nodeTimeoutSeconds * 1000, bodyTimeout: this.nodeTimeoutSeconds * 1000
      })
      const flat: Record<string, string> = {}
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(',') : v
      return { status: res.statusCode, headers: flat, body: res.body }
    } catch (err) {
      throw new NodeRequestError(`${method} ${url}: ${(err as Error).message}`)
    }
  }

  /** A request whose answer must be `expect`ed; the body is read as JSON. */
  async json<T> (node: NodeAddress, method: Dispatcher.HttpMethod, path: string, headers: Headers = {},
    body?: string): Promise<{ value: T, bytes: number }> {
    const res = await this.raw(node, method, path, headers, body)
    const text = await res.body.text()
    if (res.status !== 200) throw new NodeRequestError(`${method} http://${node.ip}:${node.port}${path}: ${res.status} ${text.slice(0, 200)}`, res.status)
    try {
      return { value: JSON.parse(text) as T, bytes: Buffer.byteLength(text) }
    } catch (err) {
      throw new NodeRequestError(`${method} http://${node.ip}:${node.port}${path}: answer is not JSON: ${(err as Error).message}`)
    }
  }

  /** A request that needs no answer body; resolves to the status. */
  async send (node: NodeAddress, method: Dispatcher.HttpMethod, path: string, headers: Headers = {},
    body?: Dispatcher.DispatchOptions['body']): Promise<number> {
    const res = await this.raw(node, method, path, headers, body)
    await res.body.dump()
    return res.status
  }

  async close (): Promise<void> {
    await this.agent.close()
  }
}
