/**
 * The order test files run in: unit files first (seconds), then the integration files from the
 * cheap layers up: the install stage builds the base images into the run's shared store (and
 * checks that its first build is not a store hit), then what uses those base images. Integration
 * files not listed run last, alphabetically.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const INTEGRATION_ORDER = [
  'hypervisor-probe.test.ts',
  'hypervisor.test.ts',
  'test-installer.test.ts',
  'test-installer-tree.test.ts',
  'install.test.ts',
  'targets.test.ts',
  'boot-test.test.ts',
  'appliance.test.ts',
  'drop.test.ts',
  'koji.test.ts',
  'aws-e2e.test.ts',
];

function rank(file: string): number {
  if (!/[\\/]test[\\/]integration[\\/]/.test(file)) return -1;
  const name = file.split('/').pop()!;
  const i = INTEGRATION_ORDER.indexOf(name);
  return i < 0 ? INTEGRATION_ORDER.length : i;
}

export class IntegrationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => rank(a.moduleId) - rank(b.moduleId) || a.moduleId.localeCompare(b.moduleId));
  }
}
