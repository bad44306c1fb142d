/** Who a request is, as every auth source (tempauth, Keystone, S3 keys) reports it. */
export interface Identity {
  /** `account:user` for tempauth, `project_id:user_id` for Keystone. */
  user: string
  /** The account this identity belongs to, e.g. `AUTH_test` or `KEY_<project_id>`. */
  account: string
  /**
   * Names container ACLs are matched against: `account:user` style pairs (tempauth
   * `test:tester`, Keystone `project_id:user_id` and, in the default domain,
   * `project_name:user_name`) and plain names (tempauth account and groups, Keystone roles).
   */
  groups: string[]
  /** Owner of `account`: may do everything in it. */
  owner: boolean
  /** May do everything in every account, and alone sets account quotas. */
  resellerAdmin: boolean
  via: 'tempauth' | 'keystone'
}

/** What a request wants to do, with the container's ACLs when it touches a container. */
export interface AccessRequest {
  method: string
  account: string
  container?: string
  object?: string
  /** The container's X-Container-Read / X-Container-Write, when known. */
  read?: string
  write?: string
  referrer?: string
  /** The request sets or removes the account's quota (X-Account-Meta-Quota-Bytes). */
  changesAccountQuota?: boolean
  /** The account's X-Account-Access-Control, when the caller might be named in it. */
  accountAcl?: string
}

export type AccessDecision = 'allow' | 'deny'
