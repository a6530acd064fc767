/** `kiln doctor`: checks this host for everything a build needs. */
import type { CommandSpec } from '../command.js';
import { defaultStoreDir } from '../../core/paths.js';
import { table } from '../table.js';
import { connectOption, storeOption } from './shared-options.js';

const MARK = { ok: 'ok', warn: 'WARN', fail: 'FAIL' } as const;

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  summary: 'check this host: QEMU, KVM or TCG, libvirt, libguestfs, the store',
  options: [storeOption, connectOption],
  examples: ['kiln doctor', 'kiln doctor --connect qemu:///session --json'],
  async action(_args, options, ctx) {
    const { runChecks } = await import('../../pipeline/doctor.js');
    const checks = await runChecks({ connect: options.connect as string | undefined, storeDir: String(options.store ?? defaultStoreDir(ctx.env)) });
    const failed = checks.filter((c) => c.status === 'fail').length;
    const rows = checks.map((c) => [MARK[c.status], c.name, c.detail + (c.hint && c.status !== 'ok' ? ` — ${c.hint}` : '')]);
    const summary = failed ? `${failed} check${failed === 1 ? '' : 's'} failed: kiln cannot build here yet` : 'this host can build images';
    return { text: `${table(['', 'CHECK', 'RESULT'], rows)}\n\n${summary}`, json: { ok: failed === 0, checks }, exitCode: failed ? 1 : 0 };
  },
};
