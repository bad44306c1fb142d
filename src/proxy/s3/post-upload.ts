/**
 * Browser-based uploads: POST to a bucket with multipart/form-data holding a base64 policy
 * document, its signature (SigV4 `x-amz-signature` or SigV2 `signature`), the key and fields, and
 * the file last. The policy's expiration and conditions are checked before the file streams
 * into the core; content-length-range is enforced while it streams.
 */
import { createHmac } from 'node:crypto'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import busboy from 'busboy'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Identity } from '../../auth/index.js'
import { BucketVersions, versioningOf } from '../core/bucket-versioning.js'
import { checkContentType } from '../core/objects.js'
import { checkCanned, OBJECT_ACL_SYSMETA } from './acl.js'
import { checkKey } from './address.js'
import { MAX_OBJECT_TAGS, OBJECT_TAGGING_SYSMETA, encodeTags, tagsOfDocument } from './metadata.js'
import type { S3Context } from './context.js'
import { S3Error, accessDenied } from './errors.js'
import { renderXml } from './xml.js'
import { parseAmzDate, sameSignature, signHex, signingKey, type V4Scope } from './sigv4.js'
import { sameV2Signature } from './sigv2.js'

/** Settles the account of the bucket and whether the identity may write `key` there. */
export type UploadPermission = (identity: Identity, bucket: string, key: string) => Promise<string>

const MAX_FIELDS_BYTES = 64 * 1024
/** Fields a policy need not mention. */
const UNCHECKED = new Set(['policy', 'x-amz-signature', 'signature', 'awsaccesskeyid', 'file'])

type Fields = Map<string, string>

function policyError (message: string): S3Error {
  return new S3Error('AccessDenied', `Invalid according to Policy: ${message}`)
}

interface Policy { expiration: string, conditions: unknown[] }

function parsePolicy (encoded: string): Policy {
  try {
    const policy = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Policy
    if (typeof policy.expiration !== 'string' || !Array.isArray(policy.conditions)) throw new Error('shape')
    return policy
  } catch {
    throw new S3Error('InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.')
  }
}

/** Checks each condition; returns the content-length-range and the fields the policy covers. */
function checkConditions (policy: Policy, fields: Fields, bucket: string): { min: number, max: number } {
  const covered = new Set<string>(['bucket'])
  const range = { min: 0, max: Number.MAX_SAFE_INTEGER }
  const valueOf = (name: string): string => (name === 'bucket' ? bucket : fields.get(name) ?? '')
  for (const c of policy.conditions) {
    if (Array.isArray(c)) {
      const [op, rawName, value] = c as [string, string, string | number]
      if (String(op).toLowerCase() === 'content-length-range') {
        range.min = Number(rawName)
        range.max = Number(value)
        continue
      }
      const name = String(rawName).replace(/^\$/, '').toLowerCase()
      covered.add(name)
      const actual = valueOf(name)
      if (op === 'eq' && actual !== String(value)) throw policyError(`Policy Condition failed: ["eq", "$${name}", "${value}"]`)
      if (op === 'starts-with' && !actual.startsWith(String(value))) throw policyError(`Policy Condition failed: ["starts-with", "$${name}", "${value}"]`)
      if (op !== 'eq' && op !== 'starts-with') throw new S3Error('InvalidPolicyDocument', `Invalid Policy: unknown condition ${op}`)
    } else if (typeof c === 'object' && c !== null) {
      for (const [k, v] of Object.entries(c)) {
        const name = k.toLowerCase()
        covered.add(name)
        if (valueOf(name) !== String(v)) throw policyError(`Policy Condition failed: ["eq", "$${name}", "${String(v)}"]`)
      }
    }
  }
  for (const name of fields.keys()) {
    if (!UNCHECKED.has(name) && !name.startsWith('x-ignore-') && !covered.has(name)) {
      throw policyError(`Extra input fields: ${name}`)
    }
  }
  return range
}

/** The signer of the form, checked: SigV4 (x-amz-*) or SigV2 (AWSAccessKeyId, signature). */
async function signer (ctx: S3Context, fields: Fields): Promise<Identity> {
  const policy = fields.get('policy') ?? ''
  if (fields.has('x-amz-signature')) {
    const credential = (fields.get('x-amz-credential') ?? '').split('/')
    if (credential.length < 5 || fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256' || Number.isNaN(parseAmzDate(fields.get('x-amz-date') ?? ''))) {
      throw new S3Error('InvalidArgument', 'POST requires x-amz-algorithm, x-amz-credential and x-amz-date', { ArgumentName: 'x-amz-credential', ArgumentValue: fields.get('x-amz-credential') ?? '' })
    }
    const [date, region, service] = credential.slice(-4, -1)
    const scope: V4Scope = { accessKey: credential.slice(0, -4).join('/'), date, region, service }
    const found = await ctx.secretFor(scope.accessKey)
    if (found === undefined) throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.')
    if (!sameSignature(signHex(signingKey(found.secret, scope), policy), fields.get('x-amz-signature') ?? '')) {
      throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.')
    }
    return found.identity
  }
  const accessKey = fields.get('awsaccesskeyid')
  if (accessKey === undefined) throw accessDenied()
  const found = await ctx.secretFor(accessKey)
  if (found === undefined) throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.')
  if (!sameV2Signature(fields.get('signature') ?? '', createHmac('sha1', found.secret).update(policy).digest('base64'))) {
    throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.')
  }
  return found.identity
}

/** Passes the file through, failing when it leaves the policy's content-length-range. */
class LengthRange extends Transform {
  size = 0
  failure: S3Error | undefined
  constructor (private readonly min: number, private readonly max: number) { super() }
  override _transform (chunk: Buffer, _e: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length
    if (this.size > this.max) done(this.failure = new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'))
    else done(null, chunk)
  }

  override _flush (done: TransformCallback): void {
    if (this.size < this.min) done(this.failure = new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size'))
    else done()
  }
}

function storedHeaders (fields: Fields, fileType: string): Record<string, string> {
  checkContentType(fields.get('content-type'))
  const out: Record<string, string> = { 'content-type': fields.get('content-type') ?? fileType }
  for (const [name, value] of fields) {
    if (name.startsWith('x-amz-meta-')) out[`x-object-meta-${name.slice('x-amz-meta-'.length)}`] = value
    if (['cache-control', 'content-disposition', 'content-encoding', 'expires'].includes(name)) out[name] = value
  }
  const acl = fields.get('acl')
  if (acl !== undefined) out[OBJECT_ACL_SYSMETA] = checkCanned(acl)
  const tagging = fields.get('tagging')
  if (tagging !== undefined) out[OBJECT_TAGGING_SYSMETA] = encodeTags(tagsOfDocument(tagging.trim(), MAX_OBJECT_TAGS, 'Object'))
  return out
}

async function store (ctx: S3Context, permission: UploadPermission, bucket: string, fields: Fields,
  file: Readable, fileName: string, fileType: string): Promise<{ key: string, etag: string, versionHeaders: Record<string, string> }> {
  const policyText = fields.get('policy')
  if (policyText === undefined) throw new S3Error('AccessDenied', 'Bucket POST must contain a policy document')
  const identity = await signer(ctx, fields)
  const policy = parsePolicy(policyText)
  if (!(Date.parse(policy.expiration) > Date.now())) throw policyError('Policy expired.')
  const key = (fields.get('key') ?? '').replaceAll('${filename}', fileName)
  if (key === '') throw new S3Error('InvalidArgument', 'Bucket POST must contain a field named \'key\'.', { ArgumentName: 'key', ArgumentValue: '' })
  checkKey(key)
  fields.set('key', key)
  const range = checkConditions(policy, fields, bucket)
  const account = await permission(identity, bucket, key)
  const limited = new LengthRange(range.min, range.max)
  file.on('error', (err) => limited.destroy(err))
  const stored = storedHeaders(fields, fileType)
  const versions = new BucketVersions(ctx.store, account, bucket, versioningOf(await ctx.store.containers.info(account, bucket)))
  try {
    // On a versioned bucket what the upload replaces is kept, as for PutObject.
    const { result, headers } = await versions.write(key, async (marks) =>
      await ctx.store.objects.put(versions.ref(key), { body: file.pipe(limited), headers: { ...stored, ...marks } }))
    return { key, etag: result.etag, versionHeaders: headers }
  } catch (err) {
    throw limited.failure ?? err
  }
}

/** The redirect target, when it is an absolute URL (S3 ignores anything else and answers with the status). */
function redirectUrl (value: string | undefined): URL | undefined {
  if (value === undefined || value === '') return undefined
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

/** Reads the form, stores the file, and answers as success_action_redirect / _status ask. */
export async function postUpload (ctx: S3Context, req: FastifyRequest, reply: FastifyReply, bucket: string,
  permission: UploadPermission): Promise<FastifyReply> {
  const fields: Fields = new Map()
  const stored = await new Promise<{ key: string, etag: string, versionHeaders: Record<string, string> }>((resolve, reject) => {
    let parser: busboy.Busboy
    try {
      parser = busboy({ headers: req.headers, limits: { fieldSize: MAX_FIELDS_BYTES, files: 1, fields: 100 } })
    } catch {
      reject(new S3Error('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.'))
      return
    }
    let sawFile = false
    parser.on('field', (name, value) => { fields.set(name.toLowerCase(), value) })
    parser.on('file', (name, file, info) => {
      if (name.toLowerCase() !== 'file' || sawFile) {
        file.resume()
        return
      }
      sawFile = true
      store(ctx, permission, bucket, fields, file, info.filename ?? '', info.mimeType).then(resolve, (err) => {
        file.resume()
        reject(err)
      })
    })
    parser.on('error', () => { reject(new S3Error('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.')) })
    parser.on('close', () => {
      if (!sawFile) reject(new S3Error('InvalidArgument', 'POST requires exactly one file upload per request.', { ArgumentName: 'file', ArgumentValue: '0' }))
    })
    req.raw.pipe(parser)
  })
  const etag = `"${stored.etag}"`
  const url = redirectUrl(fields.get('success_action_redirect') ?? fields.get('redirect'))
  if (url !== undefined) {
    url.searchParams.set('bucket', bucket)
    url.searchParams.set('key', stored.key)
    url.searchParams.set('etag', etag)
    return await reply.code(303).headers({ ...stored.versionHeaders, location: url.toString(), etag }).send()
  }
  const status = Number(fields.get('success_action_status') ?? 204)
  const location = `/${bucket}/${encodeURIComponent(stored.key)}`
  if (status === 201) {
    return await reply.code(201).headers({ ...stored.versionHeaders, 'content-type': 'application/xml', etag, location })
      .send(renderXml('PostResponse', { Location: location, Bucket: bucket, Key: stored.key, ETag: etag }))
  }
  return await reply.code(status === 200 ? 200 : 204).headers({ ...stored.versionHeaders, etag, location }).send()
}
