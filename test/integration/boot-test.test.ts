/**
 * `kiln test` on what the other integration files do not boot — a raw.tar.xz (unpacked first)
 * and an appliance bundle (booted from its descriptor) — and on broken images, each failing
 * with a message that says what is wrong: a disk whose first MiB is zeroed (no boot loader) and
 * an image whose cloud-init is disabled. x86_64, from a real base image kiln installed from the
 * Anaconda test double.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { silent } from '../../src/core/events.js';
import { run } from '../../src/core/run.js';
import { runTargets } from '../../src/targets/run-targets.js';
import { libguestfsEnv } from '../../src/targets/prep/libguestfs-env.js';
import type { TargetsRecord } from '../../src/targets/types.js';
import { baseImageFor } from './fixtures/base-image.js';
import { kilnTest, notPassed } from './fixtures/kiln-test.js';
import { guestScratch } from './fixtures/scratch.js';

let work: string;
let record: TargetsRecord;
const output = (target: string) => join(work, 'out', record.outputs.find((o) => o.target === target)!.file);

beforeAll(async () => {
  work = await guestScratch('kiln-boot-test-');
  record = await runTargets({
    base: await baseImageFor('x86_64'),
    targets: ['openstack', 'raw-tar-xz', 'appliance'],
    outDir: join(work, 'out'),
    accel: 'tcg',
    options: { 'raw-tar-xz': { level: 0 }, appliance: { disks: [{ use: 'data', sizeMiB: 64 }] } },
    emit: silent,
  });
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('kiln test', () => {
  it('passes a raw.tar.xz and an appliance bundle (booted from its descriptor, data disk attached), and writes JUnit XML', async () => {
    const junit = join(work, 'junit.xml');
    const test = await kilnTest([output('raw-tar-xz'), output('appliance')], ['--report', join(work, 'report'), '--junit', junit]);
    expect(test.code, notPassed(test)).toBe(0);
    const appliance = test.report!.images[1]!;
    expect(await readFile(join(appliance.dir, 'domain.xml'), 'utf8')).toMatch(/-sdb\.qcow2"\/>\s*<target dev="vdb"/);
    await run('xmllint', ['--noout', junit], { timeoutMs: 30_000 });
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="kiln test" tests="\d+" failures="0">/);
    expect(xml).toContain('<testcase name="cloud-init"');
  });

  it('a disk whose first MiB is zeroed fails at once: no boot loader, with the firmware’s words', async () => {
    const broken = join(work, 'broken.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', output('openstack'), broken], { timeoutMs: 60_000 });
    await run('qemu-io', ['-f', 'qcow2', '-c', 'write -z 0 1M', broken], { timeoutMs: 60_000 });
    const started = Date.now();
    const test = await kilnTest([broken], ['--user', 'debian', '--report', join(work, 'report-broken')]);
    expect(test.code).toBe(1);
    const boot = test.report!.images[0]!.checks.find((c) => c.name === 'boot (bios)')!;
    expect(boot).toMatchObject({ status: 'fail', detail: expect.stringContaining('[BOOT_NO_BOOTLOADER]') });
    expect(test.report!.images[0]!.failure!.details.join('\n')).toMatch(/No bootable device|not a bootable disk/);
    expect(Date.now() - started).toBeLessThan(120_000);
  });

  it('an image whose cloud-init is disabled fails the cloud-init check, saying so', async () => {
    const disabled = join(work, 'no-cloud-init.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', output('openstack'), disabled], { timeoutMs: 60_000 });
    await run('virt-customize', ['-q', '-a', disabled, '--touch', '/etc/cloud/cloud-init.disabled'], { timeoutMs: 20 * 60_000, env: libguestfsEnv('tcg') });
    const test = await kilnTest([disabled], ['--user', 'debian', '--report', join(work, 'report-disabled')]);
    expect(test.code).toBe(1);
    const checks = test.report!.images[0]!.checks;
    expect(checks.find((c) => c.name === 'boot (bios)')!.status).toBe('pass');
    expect(checks.find((c) => c.name === 'cloud-init')).toMatchObject({ status: 'fail', detail: expect.stringContaining('cloud-init never ran') });
  });
});
