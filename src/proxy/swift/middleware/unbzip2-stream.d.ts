// unbzip2-stream ships no types: a function returning a bzip2-decoding through stream.
declare module 'unbzip2-stream' {
  import type { Duplex } from 'node:stream'
  export default function unbzip2 (): Duplex
}
