/**
 * Service and bucket operations: ListBuckets, CreateBucket (LocationConstraint names a storage
 * policy), HeadBucket, DeleteBucket, GetBucketLocation, Get/PutBucketVersioning, Get/PutBucketAcl.
 * A bucket is a container in the caller's account; its multipart parts live in `<bucket>+segments`,
 * its older versions in `<bucket>+versions` (core/bucket-versioning.ts).
 */
import { VERSIONING_SYSMETA, versioningOf, versionsContainer } from '../core/bucket-versioning.js'
import { segmentsContainer } from '../core/large-objects.js'
import { aclDocument, cannedOfContainer, cannedOfDocument, containerAclHeaders } from './acl.js'
import { checkNewBucketName } from './address.js'
import { BucketRegistry } from './bucket-registry.js'
import { header, requestDocument, type S3Context, type S3Request } from './context.js'
import { S3Error, malformedXml, noSuchBucket } from './errors.js'
import { sendEmpty, sendXml } from './respond.js'
import { parseXml, textOf } from './xml.js'


/** A listing's time with at least milliseconds (objectd writes `2026-11-21T14:38:35.123450`). */
const LISTING_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\d*Z?$/

/** ISO-8601 with milliseconds and Z, from a listing's `last_modified` (UTC without zone). */
export function isoTime (listingTime: string): string {
  // Cut, not parsed: a listing page has a thousand of them, and Date.parse truncates to the millisecond too.
  if (LISTING_TIME.test(listingTime)) return listingTime.slice(0, 23) + 'Z'
  const ms = Date.parse(listingTime.endsWith('Z') ? listingTime : listingTime + 'Z')
  return new Date(Number.isFinite(ms) ? ms : 0).toISOString()
}

export function bucketOf (r: S3Request): string {
  return r.bucket as string
}

/** The bucket's container info; NoSuchBucket when it does not exist. */
export async function requireBucket (ctx: S3Context, r: S3Request): Promise<Awaited<ReturnType<S3Context['store']['containers']['info']>>> {
  const info = await ctx.store.containers.info(r.account, bucketOf(r))
  if (!info.exists) throw noSuchBucket(bucketOf(r))
  return info
}

const LIST_PAGE = 10000

export async function listBuckets (ctx: S3Context, r: S3Request): Promise<void> {
  const buckets: Array<{ Name: string, CreationDate: string }> = []
  let marker = ''
  for (;;) {
    const res = await ctx.store.accounts.read(r.account, 'GET', `?format=json&limit=${LIST_PAGE}&marker=${encodeURIComponent(marker)}`)
    const rows = res.status === 200 ? await res.body.json() as Array<{ name: string, last_modified?: string }> : (await res.body.dump(), [])
    for (const row of rows) {
      if (!row.name.includes('+')) buckets.push({ Name: row.name, CreationDate: isoTime(row.last_modified ?? '') })
    }
    if (rows.length < LIST_PAGE) break
    marker = rows[rows.length - 1].name
  }
  const owner = { ID: r.account, DisplayName: r.account }
  sendXml(r, 200, 'ListAllMyBucketsResult', { Owner: owner, Buckets: { Bucket: buckets } })
}

/** The storage policy a CreateBucket's LocationConstraint names, if any; the region's name means the default. */
async function requestedPolicy (ctx: S3Context, r: S3Request): Promise<string | undefined> {
  const body = (await requestDocument(r, 64 * 1024)).trim()
  if (body === '') return undefined
  const location = textOf(parseXml(body, 'CreateBucketConfiguration'), 'LocationConstraint')
  if (location === undefined || location === '' || location === ctx.opts.region) return undefined
  if (!ctx.policies.some((p) => p.name.toLowerCase() === location.toLowerCase())) {
    throw new S3Error('InvalidLocationConstraint', `The specified location-constraint is not valid: no storage policy named ${location}`)
  }
  return location
}

export async function createBucket (ctx: S3Context, r: S3Request): Promise<void> {
  const bucket = bucketOf(r)
  checkNewBucketName(bucket)
  // As with Swift containers: only the account's owners create buckets in it.
  if (r.identity === undefined || !(r.identity.owner || r.identity.resellerAdmin)) throw new S3Error('AccessDenied', 'Access Denied')
  const policy = await requestedPolicy(ctx, r)
  const acl = containerAclHeaders(header(r, 'x-amz-acl') ?? 'private')
  const claim = await new BucketRegistry(ctx.store).claim(bucket, r.account)
  if (claim === 'taken') {
    throw new S3Error('BucketAlreadyExists', 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.', { BucketName: bucket })
  }
  ctx.store.containers.forget(r.account, bucket)
  if ((await ctx.store.containers.info(r.account, bucket)).exists) {
    throw new S3Error('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: bucket })
  }
  const result = await ctx.store.containers.put(r.account, bucket, acl, policy)
  if (result.status >= 300) throw new S3Error('ServiceUnavailable', `bucket creation answered ${result.status}`)
  sendEmpty(r, 200, { location: `/${bucket}` })
}

export async function headBucket (ctx: S3Context, r: S3Request): Promise<void> {
  await requireBucket(ctx, r)
  sendEmpty(r, 200, { 'x-amz-bucket-region': ctx.opts.region })
}

export async function deleteBucket (ctx: S3Context, r: S3Request): Promise<void> {
  const bucket = bucketOf(r)
  await requireBucket(ctx, r)
  const hidden = [[segmentsContainer(bucket), 'multipart uploads in progress'], [versionsContainer(bucket), 'object versions kept']]
  const found: string[] = []
  for (const [container, what] of hidden) {
    // Usage counts are cached between writes; deciding emptiness needs the container servers' own.
    ctx.store.containers.forget(r.account, container)
    const info = await ctx.store.containers.info(r.account, container)
    if (info.exists && info.objectCount > 0) {
      throw new S3Error('BucketNotEmpty', `The bucket you tried to delete is not empty (${what})`, { BucketName: bucket })
    }
    if (info.exists) found.push(container)
  }
  const result = await ctx.store.containers.write(r.account, bucket, 'DELETE', {})
  if (result.status === 409) throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: bucket })
  if (result.status === 404) throw noSuchBucket(bucket)
  if (result.status >= 300) throw new S3Error('ServiceUnavailable', `bucket deletion answered ${result.status}`)
  for (const container of found) await ctx.store.containers.write(r.account, container, 'DELETE', {})
  await new BucketRegistry(ctx.store).release(bucket, r.account)
  sendEmpty(r, 204)
}

export async function getBucketLocation (ctx: S3Context, r: S3Request): Promise<void> {
  const info = await requireBucket(ctx, r)
  const policy = ctx.policies.find((p) => p.index === info.policyIndex)
  // us-east-1 is reported as an empty constraint, as S3 does; another policy by its name.
  const value = policy !== undefined && !policy.default ? policy.name : ctx.opts.region === 'us-east-1' ? '' : ctx.opts.region
  sendXml(r, 200, 'LocationConstraint', { '#text': value })
}

/** The state once set; an empty configuration for a bucket whose versioning was never set. */
export async function getBucketVersioning (ctx: S3Context, r: S3Request): Promise<void> {
  const status = versioningOf(await requireBucket(ctx, r))
  sendXml(r, 200, 'VersioningConfiguration', status === undefined ? {} : { Status: status })
}

/**
 * Enabled or Suspended, kept in the bucket's sysmeta; the archive container is made first, with
 * the bucket's storage policy. MFA Delete is refused: there is no MFA device to check here.
 */
export async function putBucketVersioning (ctx: S3Context, r: S3Request): Promise<void> {
  const info = await requireBucket(ctx, r)
  const doc = parseXml((await requestDocument(r, 64 * 1024)).trim(), 'VersioningConfiguration')
  const status = textOf(doc, 'Status')
  const mfa = textOf(doc, 'MfaDelete')
  if (mfa === 'Enabled' || header(r, 'x-amz-mfa') !== undefined) {
    throw new S3Error('NotImplemented', 'MFA Delete is not supported: set MfaDelete to Disabled or leave it out')
  }
  if ((mfa !== undefined && mfa !== 'Disabled') || (status !== undefined && status !== 'Enabled' && status !== 'Suspended')) throw malformedXml()
  if (status !== undefined) {
    const archive = versionsContainer(bucketOf(r))
    if (!(await ctx.store.containers.info(r.account, archive)).exists) {
      await ctx.store.containers.put(r.account, archive, {}, ctx.policies.find((p) => p.index === info.policyIndex)?.name)
    }
    const result = await ctx.store.containers.write(r.account, bucketOf(r), 'POST', { [VERSIONING_SYSMETA]: status })
    if (result.status >= 300) throw new S3Error('ServiceUnavailable', `bucket versioning update answered ${result.status}`)
  }
  sendEmpty(r, 200)
}

export async function getBucketAcl (ctx: S3Context, r: S3Request): Promise<void> {
  const info = await requireBucket(ctx, r)
  const canned = cannedOfContainer(info.meta['x-container-read'], info.meta['x-container-write'])
  sendXml(r, 200, 'AccessControlPolicy', aclDocument(r.account, canned))
}

export async function putBucketAcl (ctx: S3Context, r: S3Request): Promise<void> {
  await requireBucket(ctx, r)
  const given = header(r, 'x-amz-acl')
  const body = (await requestDocument(r, 64 * 1024)).trim()
  const canned = given ?? (body !== '' ? cannedOfDocument(parseXml(body, 'AccessControlPolicy'), r.account) : undefined)
  if (canned === undefined) throw new S3Error('MissingSecurityHeader', 'Your request was missing a required header: x-amz-acl or an AccessControlPolicy')
  const result = await ctx.store.containers.write(r.account, bucketOf(r), 'POST', containerAclHeaders(canned))
  if (result.status >= 300) throw new S3Error('ServiceUnavailable', `bucket ACL update answered ${result.status}`)
  sendEmpty(r, 200)
}
