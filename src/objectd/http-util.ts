/** Small request/response helpers shared by the handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseTimestamp } from '../common/timestamp.js'
import { BadRequest, UnknownPolicy } from './errors.js'
import type { ParsedPath } from './paths.js'
import type { UpdateTarget } from './container-db.js'

export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  method: string
  path: ParsedPath
  query: URLSearchParams
}

export function header (req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** The write's X-Timestamp, normalised; 400 when missing or malformed. */
export function requireTimestamp (req: IncomingMessage): string {
  const raw = header(req, 'x-timestamp')
  const ts = parseTimestamp(raw)
  if (ts === undefined) throw new BadRequest(raw === undefined ? 'missing X-Timestamp' : `invalid X-Timestamp: ${raw}`)
  return ts
}

/** X-Backend-Storage-Policy-Index (default 0); 503 for a policy this cluster does not have. */
export function policyIndex (req: IncomingMessage, policies: ReadonlySet<number>): number {
  const raw = header(req, 'x-backend-storage-policy-index')
  if (raw === undefined || raw === '') return 0
  if (!/^\d{1,9}$/.test(raw)) throw new BadRequest(`invalid X-Backend-Storage-Policy-Index: ${raw}`)
  const index = Number(raw)
  if (!policies.has(index)) throw new UnknownPolicy(raw)
  return index
}

export function isReplication (req: IncomingMessage): boolean {
  return header(req, 'x-backend-replication')?.toLowerCase() === 'true'
}

/**
 * Update targets named by `<prefix>-Host`, `-Device`, `-Partition` (comma-separated lists, one
 * entry per replica; a single partition applies to every host).
 */
export function updateTargets (req: IncomingMessage, prefix: 'x-container' | 'x-account'): UpdateTarget[] {
  const hosts = header(req, `${prefix}-host`)
  const devices = header(req, `${prefix}-device`)
  const parts = header(req, `${prefix}-partition`)
  if (hosts === undefined || devices === undefined || parts === undefined) return []
  const hostList = hosts.split(',').map((h) => h.trim()).filter((h) => h !== '')
  const deviceList = devices.split(',').map((d) => d.trim())
  const partList = parts.split(',').map((p) => p.trim())
  if (deviceList.length !== hostList.length || (partList.length !== 1 && partList.length !== hostList.length)) {
    throw new BadRequest(`${prefix}-Host, -Device and -Partition name different numbers of replicas`)
  }
  return hostList.map((host, i) => {
    const part = partList.length === 1 ? partList[0] : partList[i]
    if (!/^[\w.:[\]-]+:\d+$/.test(host)) throw new BadRequest(`invalid ${prefix}-Host: ${host}`)
    if (!/^\d+$/.test(part)) throw new BadRequest(`invalid ${prefix}-Partition: ${part}`)
    return { host, device: deviceList[i], partition: Number(part) }
  })
}

export function send (res: ServerResponse, status: number, headers: Record<string, string | number>, body?: string | Buffer): void {
  const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body
  headers['Content-Length'] = payload?.length ?? 0
  res.writeHead(status, headers)
  res.end(payload)
}

/** Reads a JSON request body, bounded so a bad sender cannot exhaust memory. */
export async function readJsonBody (req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) throw new BadRequest(`body larger than ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch (err) {
    throw new BadRequest(`body is not valid JSON: ${(err as Error).message}`)
  }
}
