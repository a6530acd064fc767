/**
 * Which integration files run when, and in what order (see vitest.config.ts for the groups).
 *
 * SERIAL run first, one at a time: the cheap layers (the KVM probe compares seconds).
 *
 * ALONGSIDE_UNIT then run beside the unit files, two workers: the install test holds one for its
 * whole length, the unit files pass through the other (about 80 s of its ~13 minutes), then the
 * test double's own test (its own installs and boots under plain QEMU, no base image) takes that
 * worker. The install test builds the run's base images into its shared store (and checks that
 * its first build is not a store hit) and measures seconds (a stall watchdog of 60 s, failures
 * within seconds of the installer's line), so beside it runs one TCG guest at most: one guest
 * keeps the cores 50–70% busy, and the second uses what the first leaves idle.
 *
 * PAIRED run two at a time after them: they only use the base images (store hits) and have no
 * deadline near what a shared core makes of their guests. Longest first (the minutes each took
 * paired in CI), so the two workers finish close together. A file in no list runs last in
 * its group, alphabetically.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const SERIAL = ['hypervisor-probe.test.ts', 'hypervisor.test.ts', 'test-installer-kickstart.test.ts'];

export const ALONGSIDE_UNIT = ['install.test.ts', 'test-installer.test.ts'];

export const PAIRED = [
  'targets.test.ts', // ~21 min paired
  'drop.test.ts', // ~17
  'appliance.test.ts', // ~11
  'boot-test.test.ts', // ~10
  'koji.test.ts', // ~3
  'aws-e2e.test.ts',
  'test-installer-tree.test.ts',
];

const ORDER = [...SERIAL, ...ALONGSIDE_UNIT, ...PAIRED];

/** The install test before the unit files, so it starts at once in its group; the rest in ORDER. */
function rank(file: string): number {
  const name = file.split('/').pop()!;
  if (name === ALONGSIDE_UNIT[0] && /[\\/]test[\\/]integration[\\/]/.test(file)) return -2;
  if (!/[\\/]test[\\/]integration[\\/]/.test(file)) return -1;
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

export class IntegrationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => rank(a.moduleId) - rank(b.moduleId) || a.moduleId.localeCompare(b.moduleId));
  }
}
