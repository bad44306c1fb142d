/**
 * Configuration files: one JSON file per process, with a `cluster` section every process reads
 * and one section per daemon (`objectd`, `proxy`, ...). Keys are snake_case, as in Swift's
 * config files, so an operator recognises them.
 *
 * Each section is described by a schema (type, default, bounds); `readSection` applies the
 * defaults and rejects a bad or unknown key with a message that names it, at start-up.
 */
import { readFile } from 'node:fs/promises'

export class ConfigError extends Error {
  readonly code = 'RS_ERR_CONFIG'
}

type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'string[]'

export interface FieldSpec {
  type: FieldType
  /** Absent means required. */
  default?: unknown
  min?: number
  max?: number
  /** Allowed values of a string field. */
  oneOf?: readonly string[]
}

export type SectionSchema = Record<string, FieldSpec>

function typeOk (value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'array': return Array.isArray(value)
    case 'string[]': return Array.isArray(value) && value.every((v) => typeof v === 'string')
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value)
    case 'number': return typeof value === 'number' && Number.isFinite(value)
    default: return typeof value === type
  }
}

/** Validates one section against its schema and fills in defaults. */
export function readSection<T> (raw: unknown, section: string, schema: SectionSchema): T {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new ConfigError(`${section}: expected an object`)
  }
  const given = (raw ?? {}) as Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (!(key in schema)) throw new ConfigError(`${section}.${key}: unknown key`)
  }
  const out: Record<string, unknown> = {}
  for (const [key, spec] of Object.entries(schema)) {
    const value = given[key] ?? spec.default
    const where = `${section}.${key}`
    if (value === undefined) throw new ConfigError(`${where}: required`)
    if (!typeOk(value, spec.type)) throw new ConfigError(`${where}: expected ${spec.type}, got ${JSON.stringify(value)}`)
    if (typeof value === 'number') {
      if (spec.min !== undefined && value < spec.min) throw new ConfigError(`${where}: must be at least ${spec.min}, got ${value}`)
      if (spec.max !== undefined && value > spec.max) throw new ConfigError(`${where}: must be at most ${spec.max}, got ${value}`)
    }
    if (spec.oneOf !== undefined && !spec.oneOf.includes(value as string)) {
      throw new ConfigError(`${where}: must be one of ${spec.oneOf.join(', ')}, got ${JSON.stringify(value)}`)
    }
    out[key] = value
  }
  return out as T
}

/** Reads a config file; a missing file or bad JSON is a ConfigError naming the file. */
export async function readConfigFile (file: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file}: expected a JSON object with one key per section`)
  }
  return parsed as Record<string, unknown>
}

/** A storage policy: which object ring (object.ring.gz for 0, object-N.ring.gz otherwise) a container uses. */
export interface PolicyConfig {
  index: number
  name: string
  default?: boolean
}

/** What every process of a cluster shares. */
export interface ClusterConfig {
  /** Directory holding account.ring.gz, container.ring.gz and object[-N].ring.gz. */
  ring_dir: string
  hash_path_prefix: string
  hash_path_suffix: string
  policies: PolicyConfig[]
}

const clusterSchema: SectionSchema = {
  ring_dir: { type: 'string' },
  hash_path_prefix: { type: 'string', default: '' },
  hash_path_suffix: { type: 'string' },
  policies: { type: 'array', default: [{ index: 0, name: 'Policy-0', default: true }] }
}

export function readClusterSection (raw: unknown): ClusterConfig {
  const cluster = readSection<ClusterConfig>(raw, 'cluster', clusterSchema)
  if (cluster.hash_path_prefix === '' && cluster.hash_path_suffix === '') {
    throw new ConfigError('cluster.hash_path_suffix: must be a non-empty secret')
  }
  validatePolicies(cluster.policies)
  return cluster
}

function validatePolicies (policies: PolicyConfig[]): void {
  const seenIndex = new Set<number>()
  const seenName = new Set<string>()
  let defaults = 0
  policies.forEach((p, i) => {
    const where = `cluster.policies[${i}]`
    if (typeof p !== 'object' || p === null) throw new ConfigError(`${where}: expected an object`)
    if (!Number.isInteger(p.index) || p.index < 0) throw new ConfigError(`${where}.index: expected a non-negative integer`)
    if (typeof p.name !== 'string' || !/^[A-Za-z0-9-]+$/.test(p.name)) throw new ConfigError(`${where}.name: letters, digits and dashes only`)
    if (seenIndex.has(p.index)) throw new ConfigError(`${where}.index: duplicate policy index ${p.index}`)
    if (seenName.has(p.name.toLowerCase())) throw new ConfigError(`${where}.name: duplicate policy name ${p.name}`)
    seenIndex.add(p.index)
    seenName.add(p.name.toLowerCase())
    if (p.default === true) defaults++
  })
  if (policies.length === 0) throw new ConfigError('cluster.policies: at least one policy is needed')
  if (defaults > 1) throw new ConfigError('cluster.policies: more than one default policy')
}

/** The default policy: the one marked default, else index 0, else the first. */
export function defaultPolicy (policies: readonly PolicyConfig[]): PolicyConfig {
  return policies.find((p) => p.default === true) ?? policies.find((p) => p.index === 0) ?? policies[0]
}

/** Ring file name of a policy's object ring. */
export function objectRingName (policyIndex: number): string {
  return policyIndex === 0 ? 'object' : `object-${policyIndex}`
}
