/**
 * The config file's `keystone` section: validating OpenStack Keystone v3 tokens and EC2
 * credentials. The proxy authenticates to Keystone as a service user of its own (the service
 * credentials below) and validates each client token with that service token.
 */
import { ConfigError, readSection, type SectionSchema } from '../common/config.js'

export interface KeystoneConfig {
  enabled: boolean
  /** Keystone's v3 endpoint, e.g. `http://keystone:5000/v3`. */
  auth_url: string
  /** The proxy's service user, with a role allowing token validation and credential reads (admin or service). */
  username: string
  password: string
  project_name: string
  user_domain_name: string
  project_domain_name: string
  /** Accounts of Keystone projects: reseller_prefix + project_id. */
  reseller_prefix: string
  /** Roles that own their project's account. */
  operator_roles: string[]
  /** Role that reaches every account and sets account quotas. */
  reseller_admin_role: string
  /** Seconds a validated token (or EC2 credential) is trusted without asking Keystone again. */
  cache_ttl: number
  cache_max_entries: number
  /** Seconds to wait for Keystone. */
  timeout: number
  /** Answer while Keystone cannot be reached: 401 (clients retry by re-authenticating) or 503. */
  unavailable_status: number
  /** S3 access keys resolve through Keystone EC2 credentials. */
  s3_ec2_credentials: boolean
}

const schema: SectionSchema = {
  enabled: { type: 'boolean', default: false },
  auth_url: { type: 'string', default: '' },
  username: { type: 'string', default: '' },
  password: { type: 'string', default: '' },
  project_name: { type: 'string', default: 'service' },
  user_domain_name: { type: 'string', default: 'Default' },
  project_domain_name: { type: 'string', default: 'Default' },
  reseller_prefix: { type: 'string', default: 'AUTH_' },
  operator_roles: { type: 'string[]', default: ['admin', 'member'] },
  reseller_admin_role: { type: 'string', default: 'ResellerAdmin' },
  cache_ttl: { type: 'number', default: 300, min: 0 },
  cache_max_entries: { type: 'number', default: 10000, min: 0 },
  timeout: { type: 'number', default: 5, min: 0.1 },
  unavailable_status: { type: 'number', default: 503 },
  s3_ec2_credentials: { type: 'boolean', default: true }
}

export function readKeystoneSection (raw: unknown): KeystoneConfig {
  const conf = readSection<KeystoneConfig>(raw, 'keystone', schema)
  if (!conf.enabled) return conf
  for (const key of ['auth_url', 'username', 'password'] as const) {
    if (conf[key] === '') throw new ConfigError(`keystone.${key}: required when keystone.enabled is true`)
  }
  if (!/^https?:\/\//.test(conf.auth_url)) throw new ConfigError(`keystone.auth_url: expected an http(s) URL, got ${JSON.stringify(conf.auth_url)}`)
  if (conf.unavailable_status !== 401 && conf.unavailable_status !== 503) {
    throw new ConfigError(`keystone.unavailable_status: must be 401 or 503, got ${conf.unavailable_status}`)
  }
  if (!/^[A-Za-z0-9]+_$/.test(conf.reseller_prefix)) throw new ConfigError('keystone.reseller_prefix: letters and digits ending with "_", e.g. KEY_')
  return conf
}
