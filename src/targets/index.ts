/** The targets stage's public surface: what `kiln build --target` and `kiln target` call. */
export { runTargets, type RunTargetsInput } from './run-targets.js';
export { pickTargets, isTargetName, targetRegistry, type TargetOptionsInput } from './registry.js';
export { TARGET_NAMES, type TargetName, type TargetOutput, type TargetsRecord, type Ec2Facts, type BaseRef } from './types.js';
export type { Accel } from './prep/libguestfs-env.js';
