/**
 * "It boots, we can log in": the openstack qcow2 and the raw disk from raw-tar-xz, made from a
 * real i686 base image (installed by kiln from the Anaconda test double), each boot in QEMU (TCG)
 * to a login prompt on the serial console. The x86_64 outputs boot in targets.test.ts, which
 * makes them anyway (CI time: one prep per arch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silent } from '../../src/core/events.js';
import { run } from '../../src/core/run.js';
import { runTargets } from '../../src/targets/run-targets.js';
import type { TargetsRecord } from '../../src/targets/types.js';
import type { Arch } from '../../src/store/record.js';
import { baseImageFor } from './fixtures/base-image.js';
import { bootToLogin } from '../targets/fixtures/boot.js';

describe.each(['i686'] as Arch[])('%s outputs boot to a login prompt', (arch) => {
  let work: string;
  let record: TargetsRecord;
  const output = (target: string) => join(work, 'out', record.outputs.find((o) => o.target === target)!.file);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), `kiln-boot-${arch}-`));
    const base = await baseImageFor(arch);
    record = await runTargets({
      base,
      targets: ['openstack', 'raw-tar-xz'],
      outDir: join(work, 'out'),
      accel: 'tcg',
      options: { 'raw-tar-xz': { level: 0 } },
      emit: silent,
    });
    await run('tar', ['-xSf', output('raw-tar-xz'), '-C', work], { timeoutMs: 600_000 });
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.each([
    ['the openstack qcow2', () => ({ disk: output('openstack'), format: 'qcow2' as const })],
    ['disk.raw from the raw-tar-xz', () => ({ disk: join(work, 'disk.raw'), format: 'raw' as const })],
  ])('%s', async (_name, which) => {
    const { disk, format } = which();
    const boot = await bootToLogin({ disk, format, arch });
    expect(boot.console).toMatch(/login:\s*$/m);
    // Prep removed the SSH host keys; the guest made new ones and sshd started.
    expect(boot.console).not.toMatch(/Failed to start.*(ssh|OpenBSD Secure Shell)/);
  });
});
