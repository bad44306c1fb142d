/**
 * The operator tools' HTTP: one request with a deadline, the body read whole. Tools ask many
 * nodes at once and must answer even when some hang, so every call has a timeout and a failure
 * comes back as a value naming the URL, not as an exception.
 */
import { request } from 'undici'

export type Fetched = { ok: true, status: number, headers: Record<string, string>, text: string } | { ok: false, error: string }

export interface FetchOptions {
  method?: 'GET' | 'HEAD' | 'PUT' | 'DELETE'
  headers?: Record<string, string>
  body?: string | Buffer
  timeoutMs: number
}

export async function fetchText (url: string, opts: FetchOptions): Promise<Fetched> {
  try {
    const res = await request(url, {
      method: opts.method ?? 'GET',
      headers: opts.headers,
      body: opts.body,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      signal: AbortSignal.timeout(opts.timeoutMs)
    })
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
    return { ok: true, status: res.statusCode, headers, text: await res.body.text() }
  } catch (err) {
    const e = err as Error & { code?: string, cause?: { code?: string } }
    return { ok: false, error: `${url}: ${e.code ?? e.cause?.code ?? e.name}: ${e.message}` }
  }
}

/** GET a JSON document; anything but a 200 with valid JSON is an error naming the URL. */
export async function fetchJson<T> (url: string, timeoutMs: number): Promise<{ ok: true, value: T } | { ok: false, error: string }> {
  const res = await fetchText(url, { timeoutMs })
  if (!res.ok) return res
  if (res.status !== 200) return { ok: false, error: `${url}: status ${res.status}` }
  try {
    return { ok: true, value: JSON.parse(res.text) as T }
  } catch (err) {
    return { ok: false, error: `${url}: not JSON: ${(err as Error).message}` }
  }
}
