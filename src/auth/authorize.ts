/**
 * The one question the proxy asks per request: may this identity (or an anonymous caller) do
 * this? Owners do everything in their account, reseller admins in every account; anyone else
 * reaches a container only through its ACLs, and never the account itself.
 */
import { groupAllowed, parseAcl, referrerAllowed } from './acl.js'
import type { AccessDecision, AccessRequest, Identity } from './types.js'

const READS = new Set(['GET', 'HEAD'])

export function authorize (who: Identity | undefined, req: AccessRequest): AccessDecision {
  if (who !== undefined && (who.resellerAdmin || (who.owner && who.account === req.account))) return 'allow'
  // Account-level requests and container changes are for owners only.
  if (req.container === undefined) return 'deny'
  const isRead = READS.has(req.method)
  if (req.object === undefined && !isRead) return 'deny'
  const groups = who?.groups ?? []
  if (isRead) {
    const acl = parseAcl(req.read)
    if (who !== undefined && groupAllowed(groups, true, acl)) return 'allow'
    const referrerOk = referrerAllowed(req.referrer, acl.referrers)
    if (referrerOk && (req.object !== undefined || acl.listings)) return 'allow'
    return 'deny'
  }
  const acl = parseAcl(req.write)
  return who !== undefined && groupAllowed(groups, true, acl) ? 'allow' : 'deny'
}
