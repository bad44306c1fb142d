/**
 * A view of the object store whose reads turn some stored objects into something else (a DLO
 * manifest into its segments, a symlink into its target) for the handler behind a middleware;
 * every other call is the store's own. Raw reads (`raw = true`) are never turned.
 */
import type { BackendHeaders } from '../../backend/client.js'
import type { ObjectRef, ObjectResponse, Objects } from '../../core/objects.js'
import type { ObjectStore } from '../../core/store.js'
import type { SwiftContext } from '../context.js'
import type { Next } from '../pipeline.js'

export interface ReadTurn {
  /** Whether stored headers mark an object this view turns. */
  applies: (headers: Record<string, string>) => boolean
  /** The answer for `ref` given its stored (raw, not yet consumed) answer. */
  turn: (ref: ObjectRef, method: 'GET' | 'HEAD', conditions: BackendHeaders, stored: ObjectResponse) => Promise<ObjectResponse>
}

export function readView (store: ObjectStore, view: ReadTurn): ObjectStore {
  const inner = store.objects
  const get: Objects['get'] = async (ref, method, headers, newest = false, raw = false) => {
    const stored = await inner.get(ref, method, headers, newest, raw)
    if (raw) return stored
    let marked = stored
    if (!view.applies(stored.headers)) {
      // A range or If-Match the node judged against the stored (empty) body is judged again by `turn`.
      if (stored.status !== 416 && !(stored.status === 412 && headers['if-match'] !== undefined)) return stored
      marked = await inner.get(ref, 'HEAD', {}, newest, true)
      if (!view.applies(marked.headers)) return stored
    }
    return await view.turn(ref, method, headers, marked)
  }
  return { ...store, objects: inner.with({ get }) }
}

/** Runs the rest of the pipeline with reads turned by `view`. */
export async function nextWithReadView (ctx: SwiftContext, next: Next, view: ReadTurn): Promise<void> {
  await next({ ...ctx, store: readView(ctx.store, view) })
}
