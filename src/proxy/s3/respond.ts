/** Sending S3 answers: XML documents, empty answers, and errors, each with x-amz-request-id. */
import type { FastifyReply } from 'fastify'
import type { S3Request } from './context.js'
import { errorBody, type S3Error } from './errors.js'
import { renderXml, type XmlElement } from './xml.js'

const XML_TYPE = 'application/xml'

export function sendXml (r: S3Request, status: number, root: string, body: XmlElement, headers: Record<string, string> = {}): void {
  r.reply.code(status).headers({ ...headers, 'content-type': XML_TYPE }).send(renderXml(root, body))
}

export function sendEmpty (r: S3Request, status: number, headers: Record<string, string> = {}): void {
  r.reply.code(status).headers(headers).send()
}

export function sendS3Error (reply: FastifyReply, err: S3Error, resource: string, requestId: string, method: string): FastifyReply {
  reply.code(err.status).headers({ ...err.headers, 'x-amz-request-id': requestId })
  // HEAD answers and 304 carry no body; the code still shows in the status.
  if (method === 'HEAD' || err.status === 304) return reply.send()
  return reply.header('content-type', XML_TYPE).send(errorBody(err, resource, requestId))
}
