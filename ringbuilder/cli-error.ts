/** Exit codes as swift-ring-builder uses them, and the error that carries a message to the operator. */
export const exitOk = 0
export const exitWarning = 1
export const exitError = 2

/** Bad input from the operator: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  readonly code = 'RS_ERR_USAGE'
}
