/**
 * Waiting in tests for something that happens on its own time (a pass finishes, a file goes, a
 * ring reloads): polling, with a deadline that names what never came.
 */
import { setTimeout as sleep } from 'node:timers/promises'

/** Calls `fn` until it gives a value other than undefined, and returns that value. */
export async function until<T> (what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(intervalMs)
  }
}
