/**
 * One HTTP request whose path goes on the wire exactly as written: fetch and `new URL` resolve
 * `.` and `..` segments (`%2E%2E` too), which tests of such names must not.
 */
import { request } from 'node:http'

export interface ExactAnswer { status: number, headers: Record<string, string | string[] | undefined>, text: string }

export async function exactRequest (host: string, port: number | string, method: string, path: string,
  headers: Record<string, string> = {}, body?: string): Promise<ExactAnswer> {
  return await new Promise((resolve, reject) => {
    const r = request({ host, port, method, path, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { text += d })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, text }) })
    })
    r.on('error', reject)
    r.end(body)
  })
}
