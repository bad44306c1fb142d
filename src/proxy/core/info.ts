/** Facts about accounts and containers that object requests and authorization need. */

export interface ContainerInfo {
  exists: boolean
  policyIndex: number
  objectCount: number
  bytesUsed: number
  /** Every x-container-* header the container nodes returned (lowercase names): ACLs, quotas, meta; and X-Versions-Location / X-History-Location. */
  meta: Record<string, string>
}

export interface AccountInfo {
  exists: boolean
  containerCount: number
  objectCount: number
  bytesUsed: number
  /** Every x-account-* header (lowercase names): meta, quotas, temp-url keys. */
  meta: Record<string, string>
}

export function pickHeaders (headers: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (k.startsWith(prefix)) out[k] = v
  return out
}

export function intHeader (headers: Record<string, string>, name: string): number {
  const n = Number(headers[name] ?? 0)
  return Number.isFinite(n) ? n : 0
}
