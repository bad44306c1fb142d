/** Errors of the ring and its builder, with stable codes so callers and the CLI can tell them apart. */

/** A ring or builder file that cannot be read: missing, corrupt, truncated, or from a newer format. */
export class RingFileError extends Error {
  readonly code = 'RS_ERR_RING_FILE'
}

/** A builder operation that cannot be done as asked: unknown device, bad weight, too few devices... */
export class RingBuilderError extends Error {
  readonly code = 'RS_ERR_RING_BUILDER'
}
