/** A 32-bit integer mixer (murmur3's finaliser): spreads neighbouring integers far apart, deterministically. */
export function mix32 (x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}
