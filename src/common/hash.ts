/**
 * Name hashing shared by every process of a cluster.
 *
 * A name's hash is the 64-bit xxhash of `prefix/account[/container[/object]]suffix`, where prefix
 * and suffix are the cluster's secrets (hash_path_prefix / hash_path_suffix). Changing either moves
 * every name to another partition, so they are set once for the life of a cluster.
 */
import xxhash from 'xxhash-wasm'

type Hasher = Awaited<ReturnType<typeof xxhash>>

let hasher: Hasher | undefined

/** Loads the wasm hasher; call once at process start before any hashPath. */
export async function initHashing (): Promise<void> {
  hasher ??= await xxhash()
}

function requireHasher (): Hasher {
  if (hasher === undefined) throw new Error('hashing used before initHashing() resolved')
  return hasher
}

export interface HashSecrets {
  prefix: string
  suffix: string
}

/** The path string that is hashed; account alone, account/container, or the full object path. */
export function namePath (account: string, container?: string, object?: string): string {
  if (object !== undefined) return `/${account}/${container ?? ''}/${object}`
  if (container !== undefined) return `/${account}/${container}`
  return `/${account}`
}

/** 64-bit hash of a name under the cluster's secrets. */
export function hashPath (secrets: HashSecrets, account: string, container?: string, object?: string): bigint {
  return requireHasher().h64(secrets.prefix + namePath(account, container, object) + secrets.suffix)
}

/** The same hash as 16 lowercase hex digits: the stable on-disk name of an object or listing. */
export function hashPathHex (secrets: HashSecrets, account: string, container?: string, object?: string): string {
  return hashPath(secrets, account, container, object).toString(16).padStart(16, '0')
}
