/** The accelerator for guests, probed once per process through the hypervisor layer. */
import { probeAccelerator, type AcceleratorProbe, type Runner } from '../../hypervisor/index.js';
import { runUnchecked } from '../core/run.js';
import type { Emit } from '../core/events.js';

/** The hypervisor layer runs QEMU through this, so every process still goes through core/run. */
export const hypervisorRunner: Runner = async (file, args, opts) => {
  const r = await runUnchecked(file, args, { timeoutMs: opts.timeoutMs });
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
};

export async function chooseAccelerator(emit: Emit): Promise<AcceleratorProbe> {
  const probe = await probeAccelerator(hypervisorRunner);
  if (probe.accel === 'tcg') {
    emit({ type: 'message', level: 'warn', code: 'NO_KVM', text: `KVM is not usable here (${probe.kvm.detail}): guests run under QEMU TCG, several times slower` });
  }
  return probe;
}
