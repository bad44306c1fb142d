/**
 * Static web: a public container served as a web site to anonymous browsers. The owner makes
 * the container readable (`X-Container-Read: .r:*`, plus `.rlistings` for listings) and sets:
 * - X-Container-Meta-Web-Index: the page served for the container and each pseudo-directory
 *   (`/v1/AUTH_a/c/` serves `c/index.html`, `/v1/AUTH_a/c/docs/` serves `c/docs/index.html`);
 * - X-Container-Meta-Web-Listings: `true` to list a directory that has no index page, styled by
 *   X-Container-Meta-Web-Listings-CSS when set;
 * - X-Container-Meta-Web-Error: the suffix of error pages, `<status><suffix>` (`404error.html`).
 * A directory asked without its trailing slash is redirected (301) to it, as browsers need
 * for relative links.
 *
 * Only anonymous GET and HEAD requests are served this way; a request with a token uses the
 * plain API (Swift's X-Web-Mode for token holders is not supported). Reads still pass the
 * container's ACL: a private container stays private.
 * Enable: `staticweb` in the proxy config's `pipeline` (default), before the post-auth features.
 */
import { listContainer, type ListEntry, type ListSubdir } from '../../core/listing-pages.js'
import type { ContainerInfo } from '../../core/info.js'
import type { SwiftContext, SwiftRequest } from '../context.js'
import { sendError } from '../errors.js'
import { headerValue } from '../headers.js'
import type { Next, SwiftMiddleware } from '../pipeline.js'

/** The most entries a listing page shows. */
const LISTING_LIMIT = 10000

interface WebSettings { index?: string, listings: boolean, css?: string, error?: string }

function webSettings (info: ContainerInfo): WebSettings {
  const meta = (name: string): string | undefined => {
    const v = info.meta[`x-container-meta-web-${name}`]
    return v === undefined || v === '' ? undefined : v
  }
  return { index: meta('index'), listings: /^(true|yes|1|on)$/i.test(meta('listings') ?? ''), css: meta('listings-css'), error: meta('error') }
}

function anonymousRead (r: SwiftRequest): boolean {
  const token = headerValue(r.req.headers, 'x-auth-token') ?? headerValue(r.req.headers, 'x-storage-token')
  return (r.req.method === 'GET' || r.req.method === 'HEAD') && r.path.container !== undefined &&
    (token === undefined || token === '') && !r.params.has('temp_url_sig')
}

async function exists (ctx: SwiftContext, r: SwiftRequest, object: string): Promise<boolean> {
  const res = await ctx.store.objects.get({ account: r.path.account, container: r.path.container as string, object }, 'HEAD', {})
  return res.status === 200
}

function escapeHtml (s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

/** `<status><suffix>` from the container with the error's status, or Swift's plain error. */
async function sendErrorPage (ctx: SwiftContext, r: SwiftRequest, web: WebSettings, status: 401 | 404): Promise<void> {
  if (web.error !== undefined) {
    const page = await ctx.store.objects.get({ account: r.path.account, container: r.path.container as string, object: `${status}${web.error}` }, 'GET', {})
    if (page.status === 200 && page.body !== undefined) {
      r.reply.code(status).header('content-type', page.headers['content-type'] ?? 'text/html').send(r.req.method === 'HEAD' ? undefined : page.body)
      if (r.req.method === 'HEAD') page.body.destroy()
      return
    }
    page.body?.destroy()
  }
  sendError(r.reply, status)
}

function renderListing (r: SwiftRequest, dir: string, entries: Array<ListEntry | ListSubdir>, css: string | undefined): string {
  const title = escapeHtml(`Listing of /${r.path.version}/${r.path.account}/${r.path.container as string}/${dir}`)
  const rows = entries.map((e) => {
    const name = 'subdir' in e ? e.subdir : e.name
    const label = escapeHtml(name.slice(dir.length))
    const href = encodeURIComponent(name.slice(dir.length)).replaceAll('%2F', '/')
    return 'subdir' in e
      ? `   <tr class="item subdir"><td class="colname"><a href="${href}">${label}</a></td><td class="colsize">&nbsp;</td><td class="coldate">&nbsp;</td></tr>`
      : `   <tr class="item"><td class="colname"><a href="${href}">${label}</a></td><td class="colsize">${e.bytes}</td><td class="coldate">${escapeHtml(e.last_modified.slice(0, 19).replace('T', ' '))}</td></tr>`
  })
  const style = css === undefined ? '' : `  <link rel="stylesheet" type="text/css" href="${escapeHtml(css)}" />\n`
  const parent = dir === '' ? '' : '   <tr class="item parent"><td class="colname"><a href="../">../</a></td><td class="colsize">&nbsp;</td><td class="coldate">&nbsp;</td></tr>\n'
  return `<!DOCTYPE html>\n<html>\n <head>\n  <title>${title}</title>\n${style} </head>\n <body>\n  <h1 id="title">${title}</h1>\n` +
    `  <table id="listing">\n   <tr id="heading"><th class="colname">Name</th><th class="colsize">Size</th><th class="coldate">Date</th></tr>\n` +
    `${parent}${rows.join('\n')}\n  </table>\n </body>\n</html>\n`
}

/** A directory: its index page, else its listing, else the 404 page. */
async function serveDirectory (ctx: SwiftContext, r: SwiftRequest, web: WebSettings, dir: string, next: Next): Promise<void> {
  if (web.index !== undefined && await exists(ctx, r, dir + web.index)) {
    r.path = { ...r.path, object: dir + web.index }
    await next()
    return
  }
  if (!web.listings) {
    await sendErrorPage(ctx, r, web, 404)
    return
  }
  if (!(await r.allowed('GET', r.path.account, r.path.container))) {
    await sendErrorPage(ctx, r, web, 401)
    return
  }
  const entries: Array<ListEntry | ListSubdir> = []
  for await (const e of listContainer(ctx.store.containers, r.path.account, r.path.container as string, { prefix: dir, delimiter: '/', limit: LISTING_LIMIT })) entries.push(e)
  if (entries.length === 0 && dir !== '') {
    await sendErrorPage(ctx, r, web, 404)
    return
  }
  const page = renderListing(r, dir, entries, web.css)
  r.reply.code(200).header('content-type', 'text/html; charset=UTF-8').send(r.req.method === 'HEAD' ? undefined : page)
}

function redirectToDirectory (r: SwiftRequest): void {
  const [path, query] = (r.req.raw.url ?? '').split('?', 2)
  r.reply.code(301).header('location', `${path}/${query === undefined ? '' : `?${query}`}`)
    .header('content-type', 'text/html; charset=UTF-8').send('')
}

export const staticweb: SwiftMiddleware = {
  name: 'staticweb',
  phase: 'pre-auth',
  info: {},
  async handle (ctx, r, next) {
    if (!anonymousRead(r)) {
      await next()
      return
    }
    const info = await ctx.store.containers.info(r.path.account, r.path.container as string)
    const web = webSettings(info)
    // A container anonymous readers may not read gets the plain API's 401, and learns nothing more.
    const publicRead = await r.allowed('GET', r.path.account, r.path.container, r.path.object ?? '-')
    if (!info.exists || !publicRead || (web.index === undefined && !web.listings && web.error === undefined)) {
      await next()
      return
    }
    const rawPath = (r.req.raw.url ?? '').split('?')[0]
    const object = r.path.object
    if (object === undefined || object.endsWith('/')) {
      // The path as Swift sees it, decoded: `/c%2F` ends in a slash too.
      if (!/(\/|%2F)$/i.test(rawPath)) redirectToDirectory(r)
      else await serveDirectory(ctx, r, web, object ?? '', next)
      return
    }
    if (await exists(ctx, r, object)) {
      await next()
      return
    }
    const isDirectory = (web.index !== undefined && await exists(ctx, r, `${object}/${web.index}`)) ||
      (web.listings && !(await listContainer(ctx.store.containers, r.path.account, r.path.container as string, { prefix: `${object}/`, limit: 1 }).next()).done)
    if (isDirectory) redirectToDirectory(r)
    else await sendErrorPage(ctx, r, web, 404)
  }
}
