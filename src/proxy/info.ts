/** `GET /info`: Swift-style capabilities, so clients can discover limits and features. */
import type { PolicyConfig } from '../common/config.js'
import { MAX_OBJECT_SIZE } from './core/objects.js'
import { CONTAINER_LISTING_LIMIT } from './swift/listing.js'
import { MAX_ACCOUNT_NAME_LENGTH, MAX_CONTAINER_NAME_LENGTH, MAX_OBJECT_NAME_LENGTH } from './swift/path.js'
import { MAX_META_COUNT, MAX_META_NAME_LENGTH, MAX_META_OVERALL_SIZE, MAX_META_VALUE_LENGTH } from '../common/metadata-limits.js'

/** `features`: the enabled Swift middlewares' entries (tempurl, slo, ...), each under its name. */
export function capabilities (policies: readonly PolicyConfig[], features: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...features,
    swift: {
      version: 'ringstore-0.1.0',
      max_file_size: MAX_OBJECT_SIZE,
      max_meta_name_length: MAX_META_NAME_LENGTH,
      max_meta_value_length: MAX_META_VALUE_LENGTH,
      max_meta_count: MAX_META_COUNT,
      max_meta_overall_size: MAX_META_OVERALL_SIZE,
      max_header_size: 8192,
      max_object_name_length: MAX_OBJECT_NAME_LENGTH,
      max_container_name_length: MAX_CONTAINER_NAME_LENGTH,
      max_account_name_length: MAX_ACCOUNT_NAME_LENGTH,
      container_listing_limit: CONTAINER_LISTING_LIMIT,
      account_listing_limit: CONTAINER_LISTING_LIMIT,
      extra_header_count: 0,
      strict_cors_mode: true,
      allow_account_management: false,
      account_autocreate: true,
      policies: policies.map((p) => ({ name: p.name, ...(p.default === true ? { default: true } : {}) }))
    },
    tempauth: { account_acls: true }
  }
}
