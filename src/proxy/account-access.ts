/** What both front ends need to judge account ACLs: the ACL itself, read only when it can matter. */
import { ownsAccount, type Identity } from '../auth/index.js'
import type { ObjectStore } from './core/store.js'

/**
 * The account's X-Account-Access-Control when it may grant `who` something: for a tempauth user
 * who does not own the account. Nobody else is looked up (the account's info is cached).
 */
export async function accountAclFor (store: ObjectStore, who: Identity | undefined, account: string): Promise<string | undefined> {
  if (who === undefined || who.via !== 'tempauth' || ownsAccount(who, account)) return undefined
  return (await store.accounts.info(account)).meta['x-account-access-control']
}
