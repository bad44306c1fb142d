/**
 * FormPost: browsers upload files straight into a container with an HTML form, no token needed.
 * The account owner signs the form's fixed fields with a TempURL key (signature.ts):
 * HMAC of `PATH\nREDIRECT\nMAX_FILE_SIZE\nMAX_FILE_COUNT\nEXPIRES`, PATH being the form's
 * action path (`/v1/AUTH_a/c` or `/v1/AUTH_a/c/prefix`). The form posts `multipart/form-data`
 * with the fields `redirect`, `max_file_size`, `max_file_count`, `expires`, `signature` (and
 * optionally `x_delete_at`, `x_delete_after`, `content-type`) before the files; each file
 * becomes the object `<action path>/<file name>` (no slash added after an object prefix).
 *
 * The answer is Swift's: with `redirect`, a 303 to `redirect?status=201&message=`; without,
 * the status line as plain text. A bad or expired signature is a 401, a form that breaks its
 * own limits a 400; files stored before the problem was found stay.
 * A file that replaces an object of a versioned container keeps the old one, as any write does
 * (versioned-writes.ts; the signature covers the archive copy).
 * Limits: fields after the first file do not change the signature's verdict, as in Swift.
 * Enable: `formpost` in the proxy config's `pipeline` (default), before the post-auth features.
 */
import busboy from 'busboy'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { CoreError } from '../../core/errors.js'
import { checkContentType } from '../../core/objects.js'
import type { SwiftContext, SwiftRequest } from '../context.js'
import type { SwiftMiddleware } from '../pipeline.js'
import { headerValue } from '../headers.js'
import { signatureMatches, signingKeys } from './signature.js'
import { versionedStore } from './versioned-writes.js'

/** The longest form field value read; longer ones are cut, as Swift's MAX_VALUE_LENGTH. */
const MAX_VALUE_LENGTH = 4096

class FormError extends Error {
  constructor (readonly status: 400 | 401, message: string) { super(message) }
}

/** Passes bytes through until `max` is exceeded, then fails the upload. */
class SizeCap extends Transform {
  private seen = 0
  constructor (private readonly max: number) { super() }
  override _transform (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length
    if (this.seen > this.max) done(new FormError(400, 'max_file_size exceeded'))
    else done(null, chunk)
  }
}

function intField (fields: Map<string, string>, name: string): number {
  const value = fields.get(name) ?? '0'
  if (!/^\d+$/.test(value)) throw new FormError(400, `${name} not an integer`)
  return Number(value)
}

/** Checks the form's fixed fields once, at its first file. */
function checkForm (r: SwiftRequest, fields: Map<string, string>, keys: string[]): void {
  if (intField(fields, 'expires') < Date.now() / 1000) throw new FormError(401, 'form expired')
  const rawPath = (r.req.raw.url ?? '').split('?')[0]
  const message = [decodeURIComponent(rawPath), fields.get('redirect') ?? '', fields.get('max_file_size') ?? '0',
    fields.get('max_file_count') ?? '0', fields.get('expires') ?? '0'].join('\n')
  if (!signatureMatches(keys, message, fields.get('signature') ?? '')) throw new FormError(401, 'invalid signature')
}

function deleteHeaders (fields: Map<string, string>): Record<string, string> {
  const at = fields.get('x_delete_at')
  const after = fields.get('x_delete_after')
  if (at !== undefined && !/^\d+$/.test(at)) throw new FormError(400, 'x_delete_at not an integer: Unix timestamp required.')
  if (after !== undefined && !/^\d+$/.test(after)) throw new FormError(400, 'x_delete_after not an integer: Number of seconds required.')
  if (after !== undefined) return { 'x-delete-at': String(Math.floor(Date.now() / 1000) + Number(after)) }
  return at !== undefined ? { 'x-delete-at': at } : {}
}

async function storeFile (ctx: SwiftContext, r: SwiftRequest, fields: Map<string, string>, file: Readable,
  filename: string, mimeType: string): Promise<void> {
  const type = fields.get('content-type') ?? mimeType
  checkContentType(type)
  const object = `${r.path.object ?? ''}${filename === '' ? 'filename' : filename}`
  const cap = new SizeCap(intField(fields, 'max_file_size'))
  file.on('error', (err) => cap.destroy(err))
  const body = file.pipe(cap)
  // A file replaces an object as any write does: on a versioned container, the old one is kept.
  const store = ctx.pipeline.has('versioned_writes') ? versionedStore(ctx.store, r, true) : ctx.store
  try {
    await store.objects.put({ account: r.path.account, container: r.path.container as string, object }, {
      body,
      headers: { 'content-type': type, ...deleteHeaders(fields) }
    })
  } catch (err) {
    file.resume()
    if (body.errored instanceof FormError) throw body.errored
    throw err
  }
}

/** Parses the form, storing files as they arrive; resolves to the outcome's status and message. */
async function processForm (ctx: SwiftContext, r: SwiftRequest, keys: string[]): Promise<{ status: string, message: string, redirect?: string }> {
  const fields = new Map<string, string>()
  let files = 0
  let work: Promise<void> = Promise.resolve()
  let failure: unknown
  const parser = busboy({ headers: r.req.headers, limits: { fieldSize: MAX_VALUE_LENGTH } })
  parser.on('field', (name, value) => { if (files === 0) fields.set(name.toLowerCase(), value.replace(/[\r\n-]+$/, '')) })
  parser.on('file', (_name, stream, info) => {
    work = work.then(async () => {
      if (failure !== undefined) { stream.resume(); return }
      try {
        files++
        if (files === 1) checkForm(r, fields, keys)
        if (files > intField(fields, 'max_file_count')) throw new FormError(400, 'max file count exceeded')
        await storeFile(ctx, r, fields, stream, info.filename ?? '', info.mimeType)
      } catch (err) {
        failure = err
        stream.resume()
      }
    })
  })
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('close', resolve)
    parser.on('error', (err: Error) => { reject(new FormError(400, `invalid form: ${err.message}`)) })
  })
  r.req.raw.pipe(parser)
  await parsed
  await work
  if (failure !== undefined) throw failure
  if (files === 0) return { status: '400 Bad Request', message: 'no files to process', redirect: fields.get('redirect') }
  return { status: '201 Created', message: '', redirect: fields.get('redirect') }
}

function isForm (r: SwiftRequest): boolean {
  return r.req.method === 'POST' && r.path.container !== undefined &&
    /^multipart\/form-data/i.test(headerValue(r.req.headers, 'content-type') ?? '')
}

export const formpost: SwiftMiddleware = {
  name: 'formpost',
  phase: 'pre-auth',
  info: {},
  async handle (ctx, r, next) {
    if (!isForm(r)) {
      await next()
      return
    }
    const keys = await signingKeys(ctx.store, r.path.account, r.path.container)
    let outcome
    try {
      outcome = await processForm(ctx, r, keys)
    } catch (err) {
      if (err instanceof CoreError && err.code === 'CONTAINER_NOT_FOUND') err = new FormError(400, 'container not found')
      if (!(err instanceof FormError)) throw err
      const status = err.status === 401 ? '401 Unauthorized' : '400 Bad Request'
      r.reply.code(err.status).header('content-type', 'text/plain').send(`${status}\r\nFormPost: ${err.message}`)
      return
    }
    const { status, message, redirect } = outcome
    if (redirect === undefined || redirect === '') {
      const body = message === '' ? status : `${status}\r\nFormPost: ${message}`
      r.reply.code(Number(status.slice(0, 3))).header('content-type', 'text/plain').send(body)
      return
    }
    const location = `${redirect}${redirect.includes('?') ? '&' : '?'}status=${status.slice(0, 3)}&message=${encodeURIComponent(message)}`
    r.reply.code(303).header('location', location).header('content-type', 'text/html; charset=UTF-8')
      .send(`<html><body><p><a href="${location.replaceAll('"', '&quot;')}">Click to continue...</a></p></body></html>`)
  }
}
