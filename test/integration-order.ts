/**
 * Which integration files run alone and in what order (see vitest.config.ts for the groups).
 *
 * SERIAL run one at a time, after the unit files: the cheap layers first, then the install test,
 * which builds the run's base images into its shared store (and checks that its first build is
 * not a store hit) and measures seconds (a stall watchdog of 60 s, failures within seconds of the
 * installer's line), so it never shares the cores.
 *
 * PAIRED run two at a time after them: they only use the base images (store hits) and have no
 * deadline near what a shared core makes of their guests. Longest first (the minutes each took
 * alone under TCG), so the two workers finish close together. A file in neither list runs last in
 * its group, alphabetically.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const SERIAL = ['hypervisor-probe.test.ts', 'hypervisor.test.ts', 'test-installer-kickstart.test.ts', 'install.test.ts'];

export const PAIRED = [
  'drop.test.ts', // ~16 min
  'targets.test.ts', // ~13
  'boot-test.test.ts', // ~10
  'appliance.test.ts', // ~9
  'test-installer.test.ts', // ~7
  'koji.test.ts', // ~2
  'aws-e2e.test.ts',
  'test-installer-tree.test.ts',
];

const ORDER = [...SERIAL, ...PAIRED];

function rank(file: string): number {
  if (!/[\\/]test[\\/]integration[\\/]/.test(file)) return -1;
  const name = file.split('/').pop()!;
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

export class IntegrationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => rank(a.moduleId) - rank(b.moduleId) || a.moduleId.localeCompare(b.moduleId));
  }
}
