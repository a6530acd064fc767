/**
 * A drop as a graph of steps: one install per distinct install, then per image × arch its
 * targets, its boot test (when the spec asks for one) and the EC2 publish (when the image has the
 * ec2 target and the spec a publish section). Each step's state goes to the drop's record and to
 * the reporters as a `step` event for its row.
 */
import type { Step } from '../scheduler.js';
import type { DropContext } from './context.js';
import { installStep } from './install-step.js';
import { publishStep } from './publish-step.js';
import { targetsStep } from './targets-step.js';
import { testStep } from './test-step.js';

const LIBGUESTFS_MEMORY_MIB = 1024;

export interface StepMeta {
  /** The rows (image × arch) the step belongs to, and its phase. */
  rows: string[];
  phase: 'install' | 'targets' | 'test' | 'publish';
}

export function dropSteps(d: DropContext): { steps: Step[]; meta: Map<string, StepMeta> } {
  const steps: Step[] = [];
  const meta = new Map<string, StepMeta>();
  const add = (step: Step, m: StepMeta) => {
    steps.push(step);
    meta.set(step.id, m);
  };
  for (const install of d.plan.installs.values()) {
    add({ id: `install:${install.key}`, deps: [], memoryMiB: install.resolved.memoryMiB, run: (signal) => installStep(d, install, signal) }, { rows: install.items, phase: 'install' });
  }
  const ec2 = d.spec.publish.ec2;
  for (const item of d.plan.items) {
    const targets = `targets:${item.id}`;
    add({ id: targets, deps: [`install:${item.install}`], memoryMiB: LIBGUESTFS_MEMORY_MIB, run: (signal) => targetsStep(d, item, signal) }, { rows: [item.id], phase: 'targets' });
    let last = targets;
    if (d.spec.test === 'boot') {
      last = `test:${item.id}`;
      add({ id: last, deps: [targets], memoryMiB: d.settings.test.memoryMiB, run: (signal) => testStep(d, item, signal) }, { rows: [item.id], phase: 'test' });
    }
    if (ec2 && item.image.targets.includes('ec2')) {
      add({ id: `publish:${item.id}`, deps: [last], run: (signal) => publishStep(d, item, ec2, signal) }, { rows: [item.id], phase: 'publish' });
    }
  }
  return { steps, meta };
}
