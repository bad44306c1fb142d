/**
 * XML in and out. Responses are built with fast-xml-parser's builder (values escaped);
 * request documents are read with a size limit and parsed without entity expansion surprises.
 */
import type { Readable } from 'node:stream'
import { XMLBuilder, XMLParser } from 'fast-xml-parser'
import { S3Error, malformedXml } from './errors.js'

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false })
const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  // Numeric character references too: Go's encoder (rclone, restic) writes quotes as &#34;.
  htmlEntities: true,
  isArray: (name) => REPEATED.has(name)
})

/** Elements that may repeat in request documents: always parsed as arrays. */
const REPEATED = new Set(['Part', 'Object', 'CORSRule', 'AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader', 'Grant'])

export type XmlValue = string | number | boolean | XmlObject | XmlValue[] | undefined
export interface XmlObject { [name: string]: XmlValue }

/** A response document: `root` gets S3's namespace. */
export function renderXml (root: string, body: XmlObject): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + builder.build({ [root]: { '@_xmlns': S3_NAMESPACE, ...body } }) as string
}

/** Reads a request body of at most `limit` bytes (S3 answers MaxMessageLengthExceeded beyond). */
export async function readBody (body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) {
      body.destroy()
      throw new S3Error('MaxMessageLengthExceeded', `Your request was too big (limit ${limit} bytes).`)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** Parses a request document whose root element must be `root`; MalformedXML otherwise. */
export function parseXml (text: string, root: string): XmlObject {
  let doc: XmlObject
  try {
    doc = parser.parse(text, true) as XmlObject
  } catch {
    throw malformedXml()
  }
  const top = doc[root]
  if (top === '') return {}
  if (typeof top !== 'object' || top === null || Array.isArray(top)) throw malformedXml()
  return top
}

/** A child element's text, or undefined. */
export function textOf (obj: XmlObject, name: string): string | undefined {
  const v = obj[name]
  if (v === undefined) return undefined
  if (typeof v === 'object') throw malformedXml()
  return String(v)
}

/** The repeated children named `name` (objects only). */
export function listOf (obj: XmlObject, name: string): XmlObject[] {
  const v = obj[name]
  if (v === undefined) return []
  const items = Array.isArray(v) ? v : [v]
  return items.map((i) => {
    if (typeof i !== 'object' || i === null || Array.isArray(i)) throw malformedXml()
    return i
  })
}

/** The repeated text children named `name`. */
export function textsOf (obj: XmlObject, name: string): string[] {
  const v = obj[name]
  if (v === undefined) return []
  const items = Array.isArray(v) ? v : [v]
  return items.map((i) => {
    if (typeof i === 'object') throw malformedXml()
    return String(i)
  })
}
