/**
 * XML in and out. Responses are serialised here directly (a listing of 1,000 keys is on the hot
 * path, and a generic builder costs tens of milliseconds for it); request documents are read with
 * a size limit and parsed by fast-xml-parser.
 */
import type { Readable } from 'node:stream'
import { XMLParser } from 'fast-xml-parser'
import { S3Error, escapeXml, malformedXml } from './errors.js'

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

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
const REPEATED = new Set(['Part', 'Object', 'CORSRule', 'AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader', 'Grant', 'Tag'])

/**
 * XML rendered already, which a document takes as it is in place of the element(s) of its name.
 * A listing renders its rows in a loop of its own: a page of 1,000 rows took 1.1 ms so, parsing
 * included, against 2.7 ms as objects walked by `element`.
 */
export class XmlFragment {
  constructor (readonly xml: string) {}
}

/** A request document as parsed. */
export type XmlValue = string | number | boolean | XmlObject | XmlValue[] | undefined
export interface XmlObject { [name: string]: XmlValue }

/** What a response document is made of: values as parsed ones, and fragments. */
export type XmlNode = string | number | boolean | XmlElement | XmlFragment | XmlNode[] | undefined
export interface XmlElement { [name: string]: XmlNode }

/**
 * One element. Keys `@_name` are attributes, `#text` is the text; an array repeats the element;
 * undefined leaves it out; a fragment stands for itself. Built by string concatenation, which V8 keeps as a rope until the
 * document is written: a listing page is thousands of small pieces.
 */
export function element (name: string, value: XmlNode): string {
  if (value === undefined) return ''
  if (value instanceof XmlFragment) return value.xml
  if (Array.isArray(value)) {
    let all = ''
    for (const item of value) all += element(name, item)
    return all
  }
  if (typeof value !== 'object') return `<${name}>${typeof value === 'string' ? escapeXml(value) : String(value)}</${name}>`
  let attributes = ''
  let inner = ''
  for (const k in value) {
    const v = value[k]
    if (k.startsWith('@_')) {
      if (v !== undefined) attributes += ` ${k.slice(2)}="${escapeXml(String(v))}"`
    } else if (k === '#text') {
      inner += escapeXml(String(v))
    } else {
      inner += element(k, v)
    }
  }
  return `<${name}${attributes}>${inner}</${name}>`
}

/** A response document: `root` gets S3's namespace. */
export function renderXml (root: string, body: XmlElement): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + element(root, { '@_xmlns': S3_NAMESPACE, ...body })
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
