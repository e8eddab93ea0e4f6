export { takeSnapshot, parseDefinition, formatDefinition, objectKind } from './snapshot.js'
export type { Snapshot, SnapshotOptions, Definition } from './snapshot.js'
export { diffSnapshots, describeChange } from './diff.js'
