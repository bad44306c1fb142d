/**
 * Canned ACLs on the Swift side's container ACLs. A bucket's x-amz-acl becomes X-Container-Read
 * and X-Container-Write; GetBucketAcl reads them back as grants. Objects have no ACLs of their
 * own in Swift: an object's canned ACL is kept (sysmeta) and reported, and access follows its
 * bucket's. `public-read-write` opens writes to every authenticated user (Swift's write ACLs
 * never admit anonymous callers).
 */
import { S3Error } from './errors.js'
import type { XmlObject } from './xml.js'

export type CannedAcl = 'private' | 'public-read' | 'public-read-write' | 'authenticated-read'

const PUBLIC_READ = '.r:*,.rlistings'
const CANNED: Record<string, { read: string, write: string }> = {
  private: { read: '', write: '' },
  'public-read': { read: PUBLIC_READ, write: '' },
  'public-read-write': { read: PUBLIC_READ, write: '*' },
  'authenticated-read': { read: '*', write: '' },
  // Meaningful only with cross-account log delivery or object ownership: private here.
  'bucket-owner-read': { read: '', write: '' },
  'bucket-owner-full-control': { read: '', write: '' },
  'log-delivery-write': { read: '', write: '' },
  'aws-exec-read': { read: '', write: '' }
}

export const OBJECT_ACL_SYSMETA = 'x-object-sysmeta-s3-acl'

export function checkCanned (value: string): string {
  if (CANNED[value] === undefined) throw new S3Error('InvalidArgument', `Invalid canned ACL ${value}`, { ArgumentName: 'x-amz-acl', ArgumentValue: value })
  return value
}

/** The container ACL headers for a canned bucket ACL. */
export function containerAclHeaders (canned: string): Record<string, string> {
  const acl = CANNED[checkCanned(canned)]
  return { 'x-container-read': acl.read, 'x-container-write': acl.write }
}

export function cannedOfContainer (read: string | undefined, write: string | undefined): CannedAcl {
  const readItems = (read ?? '').split(',').map((s) => s.trim())
  const writeItems = (write ?? '').split(',').map((s) => s.trim())
  if (readItems.includes('.r:*') && writeItems.includes('*')) return 'public-read-write'
  if (readItems.includes('.r:*')) return 'public-read'
  if (readItems.includes('*')) return 'authenticated-read'
  return 'private'
}

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers'
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers'
const XSI = 'http://www.w3.org/2001/XMLSchema-instance'

function groupGrant (uri: string, permission: string): XmlObject {
  return { Grantee: { '@_xmlns:xsi': XSI, '@_xsi:type': 'Group', URI: uri }, Permission: permission }
}

/** The AccessControlPolicy document for an owner and a canned ACL. */
export function aclDocument (owner: string, canned: string): XmlObject {
  const grants: XmlObject[] = [{
    Grantee: { '@_xmlns:xsi': XSI, '@_xsi:type': 'CanonicalUser', ID: owner, DisplayName: owner },
    Permission: 'FULL_CONTROL'
  }]
  if (canned === 'public-read' || canned === 'public-read-write') grants.push(groupGrant(ALL_USERS, 'READ'))
  if (canned === 'public-read-write') grants.push(groupGrant(ALL_USERS, 'WRITE'))
  if (canned === 'authenticated-read') grants.push(groupGrant(AUTHENTICATED_USERS, 'READ'))
  return { Owner: { ID: owner, DisplayName: owner }, AccessControlList: { Grant: grants } }
}

/** The canned ACL an AccessControlPolicy document amounts to; NotImplemented for finer grants. */
export function cannedOfDocument (doc: XmlObject, owner: string): string {
  const list = doc.AccessControlList
  const grants = typeof list === 'object' && list !== null && !Array.isArray(list) ? list.Grant : undefined
  const items = grants === undefined ? [] : Array.isArray(grants) ? grants : [grants]
  const found = new Set<string>()
  for (const g of items) {
    if (typeof g !== 'object' || g === null || Array.isArray(g)) throw new S3Error('MalformedXML', 'bad Grant')
    const grantee = g.Grantee as XmlObject | undefined
    const permission = String(g.Permission ?? '')
    const uri = grantee?.URI
    const id = grantee?.ID
    if (id !== undefined && String(id) === owner && permission === 'FULL_CONTROL') continue
    if (uri === ALL_USERS || uri === AUTHENTICATED_USERS) found.add(`${uri === ALL_USERS ? 'all' : 'auth'}:${permission}`)
    else throw new S3Error('NotImplemented', 'Only grants expressible as a canned ACL are supported')
  }
  if (found.has('all:WRITE')) return 'public-read-write'
  if (found.has('all:READ')) return 'public-read'
  if (found.has('auth:READ')) return 'authenticated-read'
  if (found.size > 0) throw new S3Error('NotImplemented', 'Only grants expressible as a canned ACL are supported')
  return 'private'
}
