/**
 * Swift's limits on user metadata (`X-<Kind>-Meta-*`): the proxy checks each request's own, and
 * the container and account servers check the total they keep.
 */
export const MAX_META_NAME_LENGTH = 128
export const MAX_META_VALUE_LENGTH = 256
export const MAX_META_COUNT = 90
export const MAX_META_OVERALL_SIZE = 4096
