/**
 * The S3 API front end: everything on the proxy's port that is neither Swift nor operational.
 * Each request is addressed (path or virtual-hosted style), authenticated (SigV4/SigV2), matched
 * to one operation, authorized against the bucket's container ACLs, and handed to its handler.
 * Errors become S3's XML here, and nowhere else.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AuthUnavailableError, authorize, noteAuthFailure, noteIdentity, ownsAccount, type Identity } from '../../auth/index.js'
import { accountAclFor } from '../account-access.js'
import { CoreError } from '../core/errors.js'
import { withSegmentCheck } from '../core/large-objects.js'
import type { ObjectRef } from '../core/objects.js'
import { checkBucketName, parseAddress } from './address.js'
import { authenticate } from './authenticate.js'
import { BucketRegistry } from './bucket-registry.js'
import { header, type S3Context, type S3Request } from './context.js'
import { corsHeaders, preflight } from './cors.js'
import { S3Error, accessDenied, fromCoreError } from './errors.js'
import { copySource } from './objects.js'
import { operationFor, type Access, type Operation } from './operations.js'
import { postUpload } from './post-upload.js'
import { sendS3Error } from './respond.js'

function splitUrl (url: string): { rawPath: string, rawQuery: string } {
  const q = url.indexOf('?')
  return q < 0 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) }
}

/** The account holding the bucket: the caller's own, else the one that created it through S3. */
async function accountOf (ctx: S3Context, identity: Identity | undefined, bucket: string | undefined): Promise<string> {
  if (bucket === undefined) {
    if (identity === undefined) throw accessDenied()
    return identity.account
  }
  if (identity !== undefined && (await ctx.store.containers.info(identity.account, bucket)).exists) return identity.account
  const owner = await new BucketRegistry(ctx.store).ownerOf(bucket)
  if (owner !== undefined && owner !== '') return owner
  if (identity === undefined) throw accessDenied()
  return identity.account
}

async function allowed (ctx: S3Context, r: S3Request, access: Access, key = r.key): Promise<boolean> {
  const who = r.identity
  if (access === 'authenticated') return who !== undefined
  const accountAcl = await accountAclFor(ctx.store, who, r.account)
  if (ownsAccount(who, r.account, accountAcl)) return true
  if (access === 'account-read') return authorize(who, { method: 'GET', account: r.account, accountAcl }) === 'allow'
  if (access === 'bucket-owner' || r.bucket === undefined) return false
  const info = await ctx.store.containers.info(r.account, r.bucket)
  const read = access === 'bucket-read' || access === 'object-read'
  return authorize(who, {
    method: read ? 'GET' : 'PUT',
    account: r.account,
    container: r.bucket,
    object: access === 'object-read' || access === 'object-write' ? key ?? '' : undefined,
    read: info.meta['x-container-read'],
    write: info.meta['x-container-write'],
    referrer: header(r, 'referer'),
    accountAcl
  }) === 'allow'
}

/** For copies: the source's account, once the caller is known to be allowed to read it. */
async function copySourceAccount (ctx: S3Context, r: S3Request): Promise<string> {
  const { bucket, key } = copySource(r)
  checkBucketName(bucket)
  const account = await accountOf(ctx, r.identity, bucket)
  const source: S3Request = { ...r, account, bucket, key }
  if (!(await allowed(ctx, source, 'object-read', key))) throw accessDenied()
  return account
}

/**
 * The context an operation that reads object bytes (GetObject, copies) runs in: its reads of
 * large objects fetch only segments the caller may read, besides the parts of the bucket's (and
 * a copy source's bucket's) own uploads. Other operations keep the plain store.
 */
function readingAsCaller (ctx: S3Context, r: S3Request, op: Operation, sourceAccount: string): S3Context {
  if (r.bucket === undefined || r.key === undefined || !(op.name === 'GetObject' || op.copies === true)) return ctx
  const homes = [{ account: r.account, container: r.bucket }]
  if (op.copies === true) homes.push({ account: sourceAccount, container: copySource(r).bucket })
  const mayRead = async (s: ObjectRef): Promise<boolean> => await allowed(ctx, { ...r, account: s.account, bucket: s.container, key: s.object }, 'object-read')
  return { ...ctx, store: withSegmentCheck(ctx.store, homes, mayRead) }
}

const CREDENTIAL_FAILURES = new Set(['SignatureDoesNotMatch', 'InvalidAccessKeyId'])

function fail (reply: FastifyReply, err: unknown, rawPath: string, req: FastifyRequest): FastifyReply {
  if (reply.sent) return reply
  let s3: S3Error
  // Bad credentials count towards the proxy's failed-authentication limit and show in the audit trail.
  if (err instanceof S3Error && CREDENTIAL_FAILURES.has(err.code)) noteAuthFailure(req.raw, `S3 ${err.code}`, err.fields.AWSAccessKeyId)
  if (err instanceof S3Error) s3 = err
  else if (err instanceof CoreError) s3 = fromCoreError(err)
  else if (err instanceof AuthUnavailableError) {
    req.log.warn({ err }, 's3 credentials could not be checked')
    s3 = new S3Error('ServiceUnavailable', 'The credentials could not be checked now. Please try again.')
  }
  else {
    req.log.error({ err }, 's3 request failed')
    s3 = new S3Error('InternalError', 'We encountered an internal error. Please try again.')
  }
  return sendS3Error(reply, s3, rawPath, req.id, req.method)
}

export async function handleS3 (ctx: S3Context, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { rawPath, rawQuery } = splitUrl(req.raw.url ?? '/')
  reply.header('x-amz-request-id', req.id)
  try {
    const address = parseAddress(req.headers.host, rawPath, ctx.opts.domain)
    if (address.bucket !== undefined) checkBucketName(address.bucket)
    const query = new URLSearchParams(rawQuery)
    if (req.method === 'OPTIONS') return await preflight(ctx, req, reply, address.bucket)
    if (req.method === 'POST' && address.bucket !== undefined && address.key === undefined && !query.has('delete') &&
      (header({ req } as S3Request, 'content-type') ?? '').startsWith('multipart/form-data')) {
      return await postUpload(ctx, req, reply, address.bucket, async (identity, bucket, key) => {
        const account = await accountOf(ctx, identity, bucket)
        const r = { req, identity, account, bucket, key } as S3Request
        if (!(await allowed(ctx, r, 'object-write'))) throw accessDenied()
        return account
      })
    }
    const auth = await authenticate({
      method: req.method, rawPath, rawQuery, query, headers: req.headers,
      virtualHostBucket: address.virtualHost ? address.bucket : undefined
    }, ctx.secretFor, ctx.opts)
    noteIdentity(req.raw, auth.identity)
    const op = operationFor(req.method, address.bucket, address.key, query, req.headers)
    const account = op.name === 'CreateBucket' && auth.identity !== undefined
      ? auth.identity.account
      : await accountOf(ctx, auth.identity, address.bucket)
    const r: S3Request = {
      req, reply, requestId: req.id, bucket: address.bucket, key: address.key, rawPath, rawQuery, query,
      identity: auth.identity, account, payload: auth.payload
    }
    if (!(await allowed(ctx, r, op.access))) throw accessDenied()
    const sourceAccount = op.copies === true ? await copySourceAccount(ctx, r) : account
    if (address.bucket !== undefined && header(r, 'origin') !== undefined) reply.headers(await corsHeaders(ctx, r))
    await op.run(readingAsCaller(ctx, r, op, sourceAccount), r, sourceAccount)
    return reply
  } catch (err) {
    return fail(reply, err, rawPath, req)
  }
}
