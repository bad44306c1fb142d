/** Failures of the auth sources themselves, as opposed to a caller's bad credentials. */

/** An external identity service (Keystone) could not answer: never an open door, never a crash. */
export class AuthUnavailableError extends Error {
  readonly code = 'RS_ERR_AUTH_UNAVAILABLE'
}
