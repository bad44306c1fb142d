/**
 * Account ACLs (X-Account-Access-Control), Swift's "V2" syntax for tempauth: a JSON object with
 * any of the keys `admin`, `read-write` and `read-only`, each a list of names matched against a
 * tempauth user's groups (`account:user`, the account name, its groups), e.g.
 * `{"admin":["test:alice"],"read-only":["test2"]}`. As in Swift, Keystone identities ignore them.
 * - read-only: read everything in the account (its listing, every container and object), not
 *   the privileged headers;
 * - read-write: that, and create, change and delete containers and objects, but not the account;
 * - admin: everything the account's owner may do, the privileged headers and the ACLs included.
 */
import type { Identity } from './types.js'

export type AccountLevel = 'admin' | 'read-write' | 'read-only'

const LEVELS: readonly AccountLevel[] = ['admin', 'read-write', 'read-only']

/** The ACL as stored, or the reason it is not one: what an owner setting it is told (400). */
export function parseAccountAcl (value: string): Partial<Record<AccountLevel, string[]>> | string {
  let doc: unknown
  try {
    doc = JSON.parse(value)
  } catch {
    return 'X-Account-Access-Control is not valid JSON'
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'X-Account-Access-Control must be a JSON object'
  for (const [key, names] of Object.entries(doc)) {
    if (!(LEVELS as readonly string[]).includes(key)) return `X-Account-Access-Control: unknown key ${JSON.stringify(key)} (keys are ${LEVELS.join(', ')})`
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) return `X-Account-Access-Control: ${key} must be a list of names`
  }
  return doc as Partial<Record<AccountLevel, string[]>>
}

/** The highest level the stored ACL grants `who`; undefined when it grants nothing (or is not valid). */
export function accountLevel (who: Identity | undefined, stored: string | undefined): AccountLevel | undefined {
  if (who === undefined || who.via !== 'tempauth' || stored === undefined || stored === '') return undefined
  const acl = parseAccountAcl(stored)
  if (typeof acl === 'string') return undefined
  return LEVELS.find((level) => acl[level]?.some((name) => who.groups.includes(name)) === true)
}
