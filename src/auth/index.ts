// ---- re-exports: the auth surface the front ends use ----
export type { Identity, AccessRequest, AccessDecision } from './types.js'
export { authorize } from './authorize.js'
export { parseAcl } from './acl.js'
export { TempAuth, readAuthSection, type AuthConfig, type TempAuthUser } from './tempauth.js'
export { issueToken, verifyToken, TOKEN_PREFIX } from './token.js'
