/**
 * The Swift front end's optional features as an ordered pipeline, in the manner of Swift's
 * paste pipeline: each feature is one middleware that either answers a request itself or passes
 * it on with `next`. The operator lists the enabled middlewares, in order, in the proxy config's
 * `pipeline` key; the default enables all of them.
 *
 * Two phases:
 * - `pre-auth` middlewares see the request before token authentication and ACL checks. They may
 *   answer on their own terms (FormPost, CORS preflight) or vouch for the request
 *   (`r.preauthorized`, TempURL) so that neither a token nor an ACL is needed.
 * - `post-auth` middlewares wrap the handler of an authenticated, authorized request (SLO, DLO,
 *   versioning, symlinks). Anything else they touch on the caller's behalf they check with
 *   `r.allowed`.
 *
 * The ordering rules Swift keeps in comments are checked here, at startup.
 */
import type { SwiftContext, SwiftRequest } from './context.js'

export type Phase = 'pre-auth' | 'post-auth'

/** Passes the request on; a middleware may hand the rest of the pipeline a different context. */
export type Next = (ctx?: SwiftContext) => Promise<void>

export interface SwiftMiddleware {
  name: string
  phase: Phase
  /** The feature's entry in `GET /info`, under its name. */
  info?: Record<string, unknown>
  /** Entries under other names, for a feature that /info lists as several (bulk). */
  infoEntries?: Record<string, Record<string, unknown>>
  handle: (ctx: SwiftContext, r: SwiftRequest, next: Next) => Promise<void>
  /**
   * Requests this post-auth middleware serves whole and authorizes item by item (bulk delete,
   * archive extraction): the router then checks the token but not the request's own path.
   */
  authorizesItself?: (r: SwiftRequest) => boolean
}

/** What runs after the pre-auth phase: authentication, authorization, then `handler`. */
export type Terminal = (ctx: SwiftContext, r: SwiftRequest, postAuth: (ctx: SwiftContext, handler: Final) => Promise<void>) => Promise<void>
export type Final = (ctx: SwiftContext, r: SwiftRequest) => Promise<void>

/** `before` must come earlier than `after` whenever both are enabled. */
const ORDER_RULES: Array<[before: string, after: string, why: string]> = [
  ['cors', 'tempurl', 'preflight requests carry no signature'],
  ['staticweb', 'slo', 'web pages may be large objects'],
  // Their writes (items, manifests, segments) go through versioned_writes' view of the store.
  ['versioned_writes', 'bulk', 'bulk deletes and extractions are versioned writes'],
  ['versioned_writes', 'slo', 'a manifest PUT archives the previous version'],
  ['versioned_writes', 'dlo', 'a manifest PUT archives the previous version'],
  ['versioned_writes', 'symlink', 'a symlink is versioned as the link, not its target']
]

export class PipelineError extends Error {
  override name = 'PipelineError'
}

/** A composed phase: the middlewares in order, then `last`. */
type Chain = (ctx: SwiftContext, r: SwiftRequest, last: Final) => Promise<void>

/**
 * Composed once, when the pipeline is built: a request then allocates one `next` per
 * middleware it passes, and no wrapper frames (this runs for every request, small GETs included).
 */
function compose (middlewares: readonly SwiftMiddleware[]): Chain {
  // Plain functions handing on the promise: an async wrapper would add a frame per level.
  let run: Chain = (ctx, r, last) => last(ctx, r)
  for (const mw of [...middlewares].reverse()) {
    const inner = run
    run = (ctx, r, last) => mw.handle(ctx, r, (next) => inner(next ?? ctx, r, last))
  }
  return run
}

export class Pipeline {
  readonly preAuth: readonly SwiftMiddleware[]
  readonly postAuth: readonly SwiftMiddleware[]
  private readonly preAuthChain: Chain
  private readonly postAuthChain: Chain

  /**
   * @param enabled the operator's list, in order
   * @param available every middleware this build has, by name
   * @throws PipelineError for an unknown name, a duplicate, or an ordering rule broken
   */
  constructor (enabled: readonly string[], available: readonly SwiftMiddleware[]) {
    const byName = new Map(available.map((m) => [m.name, m]))
    const chosen: SwiftMiddleware[] = []
    for (const name of enabled) {
      const mw = byName.get(name)
      if (mw === undefined) throw new PipelineError(`pipeline: unknown middleware '${name}' (known: ${[...byName.keys()].join(', ')})`)
      if (chosen.includes(mw)) throw new PipelineError(`pipeline: '${name}' is listed twice`)
      chosen.push(mw)
    }
    // Pre-auth middlewares run before the token check whatever the list says: the list must say so too.
    const firstPost = chosen.findIndex((m) => m.phase === 'post-auth')
    const latePre = firstPost < 0 ? undefined : chosen.slice(firstPost).find((m) => m.phase === 'pre-auth')
    if (latePre !== undefined) {
      throw new PipelineError(`pipeline: '${latePre.name}' runs before authentication and must come before '${chosen[firstPost].name}'`)
    }
    const position = (name: string): number => enabled.indexOf(name)
    for (const [before, after, why] of ORDER_RULES) {
      if (position(before) >= 0 && position(after) >= 0 && position(before) > position(after)) {
        throw new PipelineError(`pipeline: '${before}' must come before '${after}' (${why})`)
      }
    }
    this.preAuth = chosen.filter((m) => m.phase === 'pre-auth')
    this.postAuth = chosen.filter((m) => m.phase === 'post-auth')
    this.preAuthChain = compose(this.preAuth)
    this.postAuthChain = compose(this.postAuth)
  }

  /** The enabled features' `/info` entries. */
  info (): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const m of [...this.preAuth, ...this.postAuth]) {
      if (m.info !== undefined) out[m.name] = m.info
      Object.assign(out, m.infoEntries)
    }
    return out
  }

  /** Whether the feature `name` is enabled. */
  has (name: string): boolean {
    return [...this.preAuth, ...this.postAuth].some((m) => m.name === name)
  }

  authorizesItself (r: SwiftRequest): boolean {
    return this.postAuth.some((m) => m.authorizesItself?.(r) === true)
  }

  /** Runs the pre-auth middlewares, then `terminal` (which authorizes and calls the post-auth ones). */
  async run (ctx: SwiftContext, r: SwiftRequest, terminal: Terminal): Promise<void> {
    const postAuth = async (ctx: SwiftContext, handler: Final): Promise<void> => { await this.postAuthChain(ctx, r, handler) }
    await this.preAuthChain(ctx, r, async (c) => { await terminal(c, r, postAuth) })
  }
}
