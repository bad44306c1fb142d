/** Who a request is, as every auth source (tempauth, Keystone, S3 keys) reports it. */
export interface Identity {
  /** `account:user` for tempauth, `project_id:user_name` for Keystone. */
  user: string
  /** The account this identity belongs to, e.g. `AUTH_test`. */
  account: string
  /** Group names: the user itself, its tempauth account name, `.admin`, `.reseller_admin`, roles... */
  groups: string[]
  /** Owner of `account`: may do everything in it. */
  owner: boolean
  /** May do everything in every account. */
  resellerAdmin: boolean
  via: 'tempauth' | 'keystone' | 's3'
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
}

export type AccessDecision = 'allow' | 'deny'
