/**
 * Container ACLs in Swift's syntax. X-Container-Read and X-Container-Write hold a comma-separated
 * list of:
 * - `.r:*` any referrer (anonymous reads of objects), `.r:example.com` / `.r:.example.com` a
 *   referrer host or domain, `.r:-host` a denied referrer (read ACL only);
 * - `.rlistings` container listings for those the referrer rules admit (read ACL only);
 * - `account:user` (tempauth) or `project_id:user_id` / `project_name:user_name` (Keystone); a
 *   plain name (a tempauth account or group, a Keystone role); `*` for any authenticated user
 *   (what S3's canned authenticated-read and public-read-write store). For Keystone identities,
 *   as in Swift's keystoneauth, either side of a pair may be `*`; tempauth, as Swift's, matches
 *   pairs exactly.
 */
export interface ParsedAcl {
  referrers: string[]
  listings: boolean
  groups: string[]
}

const REFERRER_PREFIXES = ['.r:', '.ref:', '.referer:', '.referrer:']

export function parseAcl (value: string | undefined): ParsedAcl {
  const acl: ParsedAcl = { referrers: [], listings: false, groups: [] }
  if (value === undefined) return acl
  for (const raw of value.split(',')) {
    const item = raw.trim()
    if (item === '') continue
    if (item === '.rlistings') acl.listings = true
    else if (REFERRER_PREFIXES.some((p) => item.startsWith(p))) acl.referrers.push(item.slice(item.indexOf(':') + 1))
    else acl.groups.push(item)
  }
  return acl
}

/** Why an X-Container-Read / X-Container-Write value is refused (400), in Swift's words; undefined when it is fine. */
export function aclProblem (kind: 'read' | 'write', value: string): string | undefined {
  for (const raw of value.split(',')) {
    const item = raw.trim()
    const prefix = REFERRER_PREFIXES.find((p) => item.startsWith(p))
    if (prefix === undefined) continue
    if (kind === 'write') return `Referrers not allowed in write ACL: '${item}'`
    const host = item.slice(prefix.length)
    if (host === '' || host === '-') return `No host/domain value after referrer designation in ACL: '${item}'`
  }
  return undefined
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

/** `a:b` against `x:y` where either side of the ACL entry may be `*`. */
function pairMatches (entry: string, group: string): boolean {
  const [ea, eb] = splitPair(entry)
  const [ga, gb] = splitPair(group)
  return (ea === '*' || ea === ga) && (eb === '*' || eb === gb)
}

function splitPair (s: string): [string, string] {
  const colon = s.indexOf(':')
  return [s.slice(0, colon), s.slice(colon + 1)]
}

/** Whether an authenticated identity's groups are named by the ACL's group entries; `wildcards` for Keystone identities. */
export function groupAllowed (groups: readonly string[], acl: ParsedAcl, wildcards: boolean): boolean {
  for (const entry of acl.groups) {
    if (entry === '*') return true
    if (!wildcards) {
      if (groups.includes(entry)) return true
      continue
    }
    if (entry.includes(':')) {
      if (groups.some((g) => g.includes(':') && pairMatches(entry, g))) return true
    } else if (groups.includes(entry)) return true
  }
  return false
}
