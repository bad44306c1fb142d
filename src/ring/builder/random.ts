/** A small seeded PRNG (mulberry32): rebalances with the same seed make the same choices. */
export type Random = () => number

export function createRandom (seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = Math.imul(state ^ (state >>> 15), 1 | state)
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** An integer in [0, n). */
export function randomIndex (random: Random, n: number): number {
  return Math.floor(random() * n)
}

/** Shuffles `values[start, end)` in place. */
export function shuffleRange (random: Random, values: Int32Array, start: number, end: number): void {
  for (let i = end - 1; i > start; i--) {
    const j = start + randomIndex(random, i - start + 1)
    const v = values[i]
    values[i] = values[j]
    values[j] = v
  }
}
