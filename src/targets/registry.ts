/**
 * The built-in targets: a typed name → plugin map, and the picker that turns user input
 * ("ec2,openstack") into target names or a usage error listing the known ones.
 */
import { applianceTarget } from './appliance/index.js';
import { ec2Target } from './ec2/index.js';
import { openstackTarget } from './openstack/index.js';
import { rawTarXzTarget } from './raw-tar-xz/index.js';
import { rawXzTarget } from './raw-xz/index.js';
import type { Target, TargetName } from './types.js';

export const targetRegistry = {
  ec2: ec2Target,
  openstack: openstackTarget,
  'raw-tar-xz': rawTarXzTarget,
  'raw-xz': rawXzTarget,
  appliance: applianceTarget,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each plugin has its own option type
} as const satisfies Record<TargetName, Target<any>>;

export type TargetRegistry = typeof targetRegistry;

/** Each target's options, as a caller may give them (every field optional). */
export type TargetOptionsInput = {
  [K in TargetName]?: Partial<TargetRegistry[K] extends Target<infer O> ? O : never>;
};

export { isTargetName, pickTargets } from './names.js';
