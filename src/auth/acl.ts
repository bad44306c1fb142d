/**
 * Container ACLs in Swift's syntax. X-Container-Read and X-Container-Write hold a comma-separated
 * list of:
 * - `.r:*` any referrer (anonymous reads of objects), `.r:example.com` / `.r:.example.com` a
 *   referrer host or domain, `.r:-host` a denied referrer (read ACL only);
 * - `.rlistings` container listings for those the referrer rules admit (read ACL only);
 * - `account:user`, `account` (every user of that account), `*:user`, `*` (any authenticated
 *   user), or a Keystone `project_id:user_id` / role name: groups matched against the identity.
 */
export interface ParsedAcl {
  referrers: string[]
  listings: boolean
  groups: string[]
}

export function parseAcl (value: string | undefined): ParsedAcl {
  const acl: ParsedAcl = { referrers: [], listings: false, groups: [] }
  if (value === undefined) return acl
  for (const raw of value.split(',')) {
    const item = raw.trim()
    if (item === '') continue
    if (item === '.rlistings') acl.listings = true
    else if (item.startsWith('.r:') || item.startsWith('.ref:') || item.startsWith('.referer:') || item.startsWith('.referrer:')) {
      acl.referrers.push(item.slice(item.indexOf(':') + 1))
    } else acl.groups.push(item)
  }
  return acl
}

/** Referer host against the referrer rules; the last matching rule decides, as in Swift. */
export function referrerAllowed (referrer: string | undefined, rules: readonly string[]): boolean {
  let host = ''
  if (referrer !== undefined) {
    try {
      host = new URL(referrer).hostname
    } catch {
      host = ''
    }
  }
  let allowed = false
  for (const rule of rules) {
    const deny = rule.startsWith('-')
    const pattern = deny ? rule.slice(1) : rule
    const matches = pattern === '*' || (pattern.startsWith('.') ? host.endsWith(pattern) || host === pattern.slice(1) : host === pattern)
    if (matches) allowed = !deny
  }
  return allowed
}

/** Whether any of an identity's groups is named by the ACL's group entries. */
export function groupAllowed (groups: readonly string[], authenticated: boolean, acl: ParsedAcl): boolean {
  for (const entry of acl.groups) {
    if (entry === '*' && authenticated) return true
    if (groups.includes(entry)) return true
    if (entry.startsWith('*:') && groups.some((g) => g.endsWith(entry.slice(1)))) return true
  }
  return false
}
