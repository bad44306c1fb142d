/**
 * The LevelDB key layout of a device. Keys are UTF-8 strings and LevelDB orders them bytewise,
 * so key order is UTF-8 byte order, the order Swift lists names in. Each partition's keys are
 * contiguous (the partition follows the kind prefix), so a partition is one range scan and a
 * handoff partition is one range delete.
 *
 *   o<policy>/<part>/<suffix>/<namehash>   object row (object-record.ts)
 *   ci/<part>/<suffix>/<namehash>          container info (container-db.ts)
 *   cr/<part>/<namehash>/<object name>     container's object rows
 *   ai/<part>/<suffix>/<namehash>          account info (account-db.ts)
 *   ar/<part>/<namehash>/<container name>  account's container rows
 *   h/<role>/<part>/<suffix>               suffix hash (partition-hashes.ts)
 *   p/<timestamp>/<seq>                    async pending listing update (async-pending.ts)
 *
 * `<part>` is 8 hex digits, `<namehash>` 16, `<suffix>` the hash's last 3. Names never contain
 * NUL and bounds use the next character after `/` ('0'), so a range ends exactly at its prefix.
 */

export interface KeyRange { gte: string, lt: string }

/** The replication role whose suffix hashes a key contributes to: `o<policy>`, `c` or `a`. */
export type HashRole = string

export function partHex (part: number): string {
  return part.toString(16).padStart(8, '0')
}

export function suffixOf (nameHash: string): string {
  return nameHash.slice(-3)
}

/** Every key starting with `prefix` (which ends with '/'). */
export function prefixRange (prefix: string): KeyRange {
  return { gte: prefix, lt: prefix.slice(0, -1) + '0' }
}

export function objectRole (policy: number): HashRole {
  return `o${policy}`
}

export function objectKey (policy: number, part: number, nameHash: string): string {
  return `o${policy}/${partHex(part)}/${suffixOf(nameHash)}/${nameHash}`
}

export function containerInfoKey (part: number, nameHash: string): string {
  return `ci/${partHex(part)}/${suffixOf(nameHash)}/${nameHash}`
}

export function containerRowPrefix (part: number, nameHash: string): string {
  return `cr/${partHex(part)}/${nameHash}/`
}

export function accountInfoKey (part: number, nameHash: string): string {
  return `ai/${partHex(part)}/${suffixOf(nameHash)}/${nameHash}`
}

export function accountRowPrefix (part: number, nameHash: string): string {
  return `ar/${partHex(part)}/${nameHash}/`
}

/** Where one role keeps the entries that suffix hashes cover (object rows or info rows). */
export function entryPrefix (role: HashRole, part: number, suffix?: string): string {
  const kind = role === 'c' ? 'ci' : role === 'a' ? 'ai' : role
  return `${kind}/${partHex(part)}/${suffix === undefined ? '' : suffix + '/'}`
}

export function hashKey (role: HashRole, part: number, suffix: string): string {
  return `h/${role}/${partHex(part)}/${suffix}`
}

export function hashPartPrefix (role: HashRole, part: number): string {
  return `h/${role}/${partHex(part)}/`
}

export const PENDING_PREFIX = 'p/'
