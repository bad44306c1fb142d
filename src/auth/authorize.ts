/**
 * The one question the proxy asks per request: may this identity (or an anonymous caller) do
 * this? Owners do everything in their account, reseller admins in every account, and so do the
 * admins an account ACL names; its read-write and read-only users reach every container
 * (account-acl.ts). Anyone else reaches a container only through its ACLs, and never the account
 * itself. Account quotas are the reseller admin's alone: an owner may not raise its own limit.
 */
import { accountLevel } from './account-acl.js'
import { groupAllowed, parseAcl, referrerAllowed } from './acl.js'
import type { AccessDecision, AccessRequest, Identity } from './types.js'

const READS = new Set(['GET', 'HEAD'])

/**
 * Whether `who` may do everything in `account` and see its privileged headers (Swift's
 * swift_owner); `accountAcl` is the account's X-Account-Access-Control, when known.
 */
export function ownsAccount (who: Identity | undefined, account: string, accountAcl?: string): boolean {
  return who !== undefined && (who.resellerAdmin || (who.owner && who.account === account) || accountLevel(who, accountAcl) === 'admin')
}

export function authorize (who: Identity | undefined, req: AccessRequest): AccessDecision {
  if (who?.resellerAdmin === true) return 'allow'
  if (req.changesAccountQuota === true) return 'deny'
  if (ownsAccount(who, req.account, req.accountAcl)) return 'allow'
  const isRead = READS.has(req.method)
  const level = accountLevel(who, req.accountAcl)
  if (level === 'read-only' && isRead) return 'allow'
  // Read-write users change containers and objects, not the account.
  if (level === 'read-write' && (isRead || req.container !== undefined)) return 'allow'
  // Account-level requests and container changes (which include ACL changes) are for owners only.
  if (req.container === undefined) return 'deny'
  if (req.object === undefined && !isRead) return 'deny'
  if (isRead) {
    const acl = parseAcl(req.read)
    if (who !== undefined && groupAllowed(who.groups, acl, who.via === 'keystone')) return 'allow'
    const referrerOk = referrerAllowed(req.referrer, acl.referrers)
    return referrerOk && (req.object !== undefined || acl.listings) ? 'allow' : 'deny'
  }
  return who !== undefined && groupAllowed(who.groups, parseAcl(req.write), who.via === 'keystone') ? 'allow' : 'deny'
}
