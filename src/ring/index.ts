/**
 * The ring's public surface. Daemons use the runtime ring (openRing, loadRingFile); operators'
 * tools and tests also use the builder. The runtime modules never import the builder.
 */
export type { Device, NodeLookup, OpenRingOptions, ReloadingRing, Ring } from './types.js'
export { RingBuilderError, RingFileError } from './errors.js'
export { loadRingFile } from './ring.js'
export { openRing } from './open-ring.js'
export { RingBuilder, drainingBalance, maxPartPower } from './builder/builder.js'
export type { DeviceUsage, NewDevice, RebalanceOptions, RebalanceResult } from './builder/builder.js'
export { formatDevice, parseDeviceSpec, searchDevices } from './builder/device-spec.js'
export type { DeviceSpec } from './builder/device-spec.js'
export type { DispersionReport, LevelDispersion } from './builder/dispersion.js'
