/**
 * Which peers a partition's replica syncs with, so that each object crosses the WAN once per
 * remote region.
 *
 * In each region the partition's *gateway* is its first primary in replica order that answers.
 * Every replica syncs with the primaries of its own region; only the gateway of a region syncs
 * with the other regions, and only with their gateways. So an object written in region 1 goes
 * over the WAN once to region 2's gateway, which passes it to region 2's other primaries on
 * its own local sync. A gateway that does not answer is skipped for the pass: the next primary
 * of its region takes its place, on both sides of the WAN.
 *
 * Handoffs push to their own region's primaries; a handoff in a region with no primary of the
 * partition pushes to each region's gateway. Every other primary is only *checked*: the handoff
 * is removed once every primary holds all it holds, however the data got there.
 *
 * The naive mode (for measurement) is Swift's: every replica pushes to every other primary.
 */
import type { Device } from '../ring/index.js'

export function sameDevice (a: Device, b: Device): boolean {
  return a.replicationIp === b.replicationIp && a.replicationPort === b.replicationPort && a.device === b.device
}

/** The regions of a partition's primaries, in replica order of their first primary. */
export function regionsOf (primaries: readonly Device[]): number[] {
  return [...new Set(primaries.map((d) => d.region))]
}

/** A region's primaries in replica order, unreachable ones last (the first is the gateway). */
export function gatewayOrder (primaries: readonly Device[], region: number, unreachable: ReadonlySet<Device>): Device[] {
  const inRegion = primaries.filter((d) => d.region === region)
  return [...inRegion.filter((d) => !unreachable.has(d)), ...inRegion.filter((d) => unreachable.has(d))]
}

export interface HandoffPlan {
  /** Primaries that receive pushes. */
  push: Device[]
  /** Primaries that must be seen to hold everything before the handoff is removed. */
  check: Device[]
}

export function planHandoff (me: Device, primaries: readonly Device[], naive: boolean): HandoffPlan {
  if (naive) return { push: [...primaries], check: [] }
  const local = primaries.filter((d) => d.region === me.region)
  if (local.length > 0) return { push: local, check: primaries.filter((d) => d.region !== me.region) }
  const gateways = regionsOf(primaries).map((r) => gatewayOrder(primaries, r, new Set())[0])
  return { push: gateways, check: primaries.filter((d) => !gateways.includes(d)) }
}
