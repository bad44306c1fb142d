/**
 * TempURL: time-limited links to one object (or to every object under a prefix) that need no
 * token. The account owner sets X-Account-Meta-Temp-URL-Key (or -Key-2, or the container's
 * X-Container-Meta-Temp-URL-Key / -Key-2) and hands out
 * `/v1/AUTH_a/c/o?temp_url_sig=<hmac>&temp_url_expires=<time>`, the HMAC (SHA1, SHA256 or
 * SHA512, see signature.ts) being over `METHOD\nEXPIRES\nPATH`, EXPIRES a Unix time (the URL
 * may carry it in ISO 8601, `2030-01-01T00:00:00Z`, the signature is over the Unix time), PATH
 * the decoded `/v1/AUTH_a/c/o`, or `prefix:/v1/AUTH_a/c/<prefix>` with `temp_url_prefix`.
 *
 * A valid link grants exactly its method on its object (HEAD is granted by a GET, PUT or HEAD
 * link), and nothing else: headers that would reach other objects (copies, DLO manifests,
 * symlinks) are refused. `filename=` names the download (Content-Disposition: attachment),
 * `inline` shows it in the browser; a GET without either is an attachment named after the object.
 *
 * Limits: a Content-Disposition stored with the object wins over the default attachment
 * (as in Swift), but also over `filename=`; response metadata is not filtered.
 * Enable: `tempurl` in the proxy config's `pipeline` (default), before the post-auth features.
 */
import type { SwiftMiddleware } from '../pipeline.js'
import type { SwiftRequest } from '../context.js'
import { sendError } from '../errors.js'
import { headerValue } from '../headers.js'
import { DIGESTS, signatureMatches, signingKeys } from './signature.js'

const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE']
/** Headers that would make a PUT or POST reach beyond the one object the link names. */
const DISALLOWED = ['x-object-manifest', 'x-symlink-target', 'x-symlink-target-account', 'x-copy-from', 'x-copy-from-account']

/** Unix seconds from `temp_url_expires`: digits, or ISO 8601 in UTC to the second; undefined otherwise. */
export function parseExpires (value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value)
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms / 1000
}

/** `attachment; filename="..."` with the RFC 5987 form for non-ASCII names, as Swift writes it. */
function disposition (kind: 'attachment' | 'inline', filename: string | undefined): string {
  if (filename === undefined) return kind
  const ascii = filename.replace(/[^\x20-\x7e]|"/g, '_')
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

function invalid (r: SwiftRequest): void {
  sendError(r.reply, 401, r.req.method === 'HEAD' ? '' : '401 Unauthorized: Temp URL invalid\n')
}

/** The methods whose link also admits this request's method. */
function signedMethods (method: string): string[] {
  return method === 'HEAD' ? ['HEAD', 'GET', 'PUT'] : [method]
}

async function verify (r: SwiftRequest, sig: string, expires: number, keys: string[]): Promise<boolean> {
  const { version, account, container, object } = r.path
  const prefix = r.params.get('temp_url_prefix')
  if (prefix !== null && !(object as string).startsWith(prefix)) return false
  const signedPath = prefix === null
    ? `/${version}/${account}/${container as string}/${object as string}`
    : `prefix:/${version}/${account}/${container as string}/${prefix}`
  return signedMethods(r.req.method).some((m) => signatureMatches(keys, `${m}\n${expires}\n${signedPath}`, sig))
}

/** The metadata a TempURL's holder sees; the rest is the owner's (Swift's default outgoing filter). */
const PUBLIC_META = 'x-object-meta-public-'

function hidePrivateMeta (headers: Record<string, string>): void {
  for (const name of Object.keys(headers)) {
    if (name.startsWith('x-object-meta-') && !name.startsWith(PUBLIC_META)) delete headers[name]
  }
}

export const tempurl: SwiftMiddleware = {
  name: 'tempurl',
  phase: 'pre-auth',
  info: {
    methods: METHODS,
    allowed_digests: [...DIGESTS],
    incoming_remove_headers: ['x-timestamp'],
    incoming_allow_headers: [],
    outgoing_remove_headers: ['x-object-meta-*'],
    outgoing_allow_headers: [`${PUBLIC_META}*`]
  },
  async handle (ctx, r, next) {
    const sig = r.params.get('temp_url_sig')
    const rawExpires = r.params.get('temp_url_expires')
    if (sig === null && rawExpires === null) {
      await next()
      return
    }
    const expires = parseExpires(rawExpires ?? '')
    if (sig === null || expires === undefined || expires < Date.now() / 1000 || r.path.object === undefined ||
      !METHODS.includes(r.req.method)) {
      invalid(r)
      return
    }
    const keys = await signingKeys(ctx.store, r.path.account, r.path.container)
    if (!(await verify(r, sig, expires, keys))) {
      invalid(r)
      return
    }
    if (r.req.method !== 'GET' && r.req.method !== 'HEAD') {
      const bad = DISALLOWED.find((h) => headerValue(r.req.headers, h) !== undefined)
      if (bad !== undefined) {
        sendError(r.reply, 400, `The header ${bad} is not allowed in this tempurl`)
        return
      }
    }
    delete r.req.headers['x-timestamp']
    delete r.req.headers['x-auth-token']
    delete r.req.headers['x-storage-token']
    r.preauthorized = true
    r.hideFromAnswer = hidePrivateMeta
    if (r.req.method === 'GET' || r.req.method === 'HEAD') {
      const filename = r.params.get('filename') ?? undefined
      const inline = r.params.has('inline')
      const name = (r.path.object as string).split('/').pop() as string
      r.reply.header('content-disposition', inline ? disposition('inline', filename) : disposition('attachment', filename ?? name))
    }
    await next()
  }
}
