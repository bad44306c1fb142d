/**
 * The content type Swift gives an object stored without one (or with X-Detect-Content-Type):
 * Python's `mimetypes.guess_type(path)[0]`, or application/octet-stream. Its rules, not
 * mime-types' `lookup` (which takes a name without a dot for a bare extension, so an object
 * named `json` was application/json):
 *  - the extension is the last path segment's last dot onwards, leading dots not counting:
 *    `json`, `dir/json`, `a.b/json`, `.json` and `x.` have none;
 *  - `.tgz`, `.svgz`, ... stand for `.tar.gz`, `.svg.gz`, ... (case-insensitively);
 *  - a compression suffix (`.gz`, `.Z`, `.bz2`, `.xz`, `.br`, case-sensitively) is the
 *    encoding, not the type: the type is the extension before it (`x.tar.gz` is a tar,
 *    `x.json.gz` JSON, `x.gz` has none);
 *  - the extension is then looked up case-insensitively.
 * The table itself is mime-types' (a Swift host's comes from Python and /etc/mime.types, so a
 * few rare extensions differ).
 */
import mime from 'mime-types'

const SUFFIXES: Record<string, string> = {
  '.svgz': '.svg.gz', '.tgz': '.tar.gz', '.taz': '.tar.gz', '.tz': '.tar.gz', '.tbz2': '.tar.bz2', '.txz': '.tar.xz'
}
const ENCODINGS = new Set(['.gz', '.Z', '.bz2', '.xz', '.br'])

/** Python's posixpath.splitext: [root, ext], ext from the last segment's last dot, leading dots not counting. */
export function splitExt (path: string): [string, string] {
  const dot = path.lastIndexOf('.')
  const start = path.lastIndexOf('/') + 1
  if (dot <= start) return [path, '']
  for (let i = start; i < dot; i++) {
    if (path[i] !== '.') return [path.slice(0, dot), path.slice(dot)]
  }
  return [path, '']
}

/** The type mimetypes.guess_type gives the name, or undefined. */
export function guessType (name: string): string | undefined {
  let [root, ext] = splitExt(name)
  while (SUFFIXES[ext.toLowerCase()] !== undefined) [root, ext] = splitExt(root + SUFFIXES[ext.toLowerCase()])
  if (ENCODINGS.has(ext)) [root, ext] = splitExt(root)
  if (ext === '') return undefined
  return (mime.types[ext.slice(1).toLowerCase()] as string | undefined)
}

/** The type an object stored without one gets: the guess, else application/octet-stream. */
export function guessContentType (name: string): string {
  return guessType(name) ?? 'application/octet-stream'
}
