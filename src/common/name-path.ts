/**
 * Names in the request paths the daemons send each other (`/{device}/{part}/{account}/...`).
 *
 * Account, container and object names are opaque, as in Swift: `..`, `.` and `a/../b` are names
 * like any other. A path holding them must reach the node as sent, so:
 *  - each name is percent-encoded, an object name keeping its slashes (objectd takes the rest of
 *    the path as the object name);
 *  - a `.` or `..` segment is sent as `%2E` / `%2E%2E`, which decodes to the same name, so that
 *    a plain path normaliser (one that resolves dot segments before decoding) leaves it alone;
 *  - and the path is handed to undici as `{ origin, path }`, never inside a URL string:
 *    `new URL()`, which undici's top-level `request(url)` uses, resolves dot segments, encoded
 *    ones too (`/a/%2E%2E/b` is `/b` to it), which would send the request to another name.
 */

const DOTS: Record<string, string> = { '.': '%2E', '..': '%2E%2E' }

function guardDots (segment: string): string {
  return DOTS[segment] ?? segment
}

/** Percent-encodes one name for a node path; `keepSlashes` for object names. */
export function encodeName (name: string, keepSlashes = false): string {
  const encoded = encodeURIComponent(name)
  if (!encoded.includes('.')) return encoded
  if (!keepSlashes) return guardDots(encoded)
  return encoded.split('%2F').map(guardDots).join('/')
}
