/**
 * Errors with an HTTP status. Stores and handlers throw these; the server turns them into a
 * plain-text answer in one place (server.ts), so a module never writes an error response itself.
 */
export class HttpError extends Error {
  constructor (readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message)
  }
}

export class BadRequest extends HttpError {
  constructor (message: string) { super(400, message) }
}

export class NotFound extends HttpError {
  constructor (message = 'Not Found', headers: Record<string, string> = {}) { super(404, message, headers) }
}

/** The stored item is as new or newer than the write: nothing changed. */
export class Conflict extends HttpError {
  constructor (message: string, headers: Record<string, string> = {}) { super(409, message, headers) }
}

/** Bytes read that do not match their ETag, found after the answer started: it is cut short. */
export class CorruptBody extends HttpError {
  constructor (message: string) { super(500, message) }
}

export class InsufficientStorage extends HttpError {
  constructor (message: string) { super(507, message) }
}

export class UnknownPolicy extends HttpError {
  constructor (index: string) { super(503, `unknown storage policy index ${index}`) }
}

/** ENOSPC and EDQUOT mean the device is full: 507, as Swift answers DiskFileNoSpace. */
export function isDiskFull (err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOSPC' || code === 'EDQUOT') return true
  // LevelDB reports a full disk as an IO error whose message carries the errno text.
  return err instanceof Error && /No space left on device/i.test(err.message)
}
