import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseApplianceDisk } from '../../src/cli/commands/target.js';
import type { BaseImage } from '../../src/store/store.js';
import { smallBase } from '../targets/fixtures/small-base.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { run } from '../../src/core/run.js';
import { parseSize } from '../../src/core/units.js';
import { imageInfo } from '../../src/image/qemu-img.js';
import { runTargets } from '../../src/targets/run-targets.js';
import { helpDefaults, runCli } from './helpers.js';

/** Bytes of the regular files under dir (0 while it does not exist). */
async function writtenBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const sizes = await Promise.all(entries.filter((e) => e.isFile()).map((e) => stat(join(e.parentPath, e.name)).then((s) => s.size, () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}

let dir: string;
let store: string;
let base: BaseImage;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-cli-target-'));
  store = join(dir, 'store');
  base = await smallBase(store, { name: 'cli', version: '2' });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('kiln target', () => {
  it('makes the outputs and prints them (--json gives the record)', async () => {
    const out = join(dir, 'out');
    const r = await runCli(['target', base.id.slice(0, 8), '--target', 'openstack,raw-tar-xz', '--out', out, '--store', store, '--no-prep', '--xz-level', '0', '--accel', 'tcg', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { type: string; data: { outputs: { file: string }[] } };
    expect(result.type).toBe('result');
    expect(result.data.outputs.map((o) => o.file)).toEqual(['cli-2.x86_64.qcow2', 'cli-2.x86_64.raw.tar.xz']);
    expect((await readdir(out)).sort()).toEqual(['cli-2.x86_64.qcow2', 'cli-2.x86_64.qcow2.sha256', 'cli-2.x86_64.raw.tar.xz', 'cli-2.x86_64.raw.tar.xz.sha256', 'targets.json']);
    const again = await runCli(['target', base.id, '--target', 'openstack', '--out', out, '--store', store, '--no-prep', '--accel', 'tcg', '--name', 'other', '--image-version', '3']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^openstack +other-3\.x86_64\.qcow2 /m);
  });

  it.each([
    [['--target', 'ec2,vmware'], 2, /unknown target 'vmware'[\s\S]*Known targets: ec2, openstack, raw-tar-xz, raw-xz, appliance/],
    [['--out', 'x'], 2, /no --target given/],
    [['--target', 'openstack'], 2, /no --out directory/],
    [['--target', 'openstack', '--out', 'x', '--openstack-compat', '2'], 2, /Allowed choices are 1\.1, 0\.10/],
    [['--target', 'appliance', '--out', 'x', '--appliance-disk', 'swap:1G'], 2, /expected data:SIZE or scratch:SIZE/],
    [['--target', 'raw-xz', '--out', 'x', '--xz-level', 'max'], 2, /--xz-level max: expected a whole number from 0 to 9/],
  ])('%j → exit %i', async (flags, code, message) => {
    const r = await runCli(['target', base.id, '--store', store, '--accel', 'tcg', ...flags], { cwd: dir });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it('a base id that is not in the store', async () => {
    const r = await runCli(['target', 'abcdef12', '--target', 'openstack', '--out', join(dir, 'nope'), '--store', store, '--accel', 'tcg']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[STORE_NOT_FOUND\]: no base image abcdef12 in the store/);
  });

  it.each([
    [['--target', 'vmware', '--out', 'x'], /unknown target 'vmware'/],
    [['--target', 'openstack'], /no --out directory/],
    [['--out', 'x'], /--out given without --target/],
    [['--target', 'raw-xz', '--out', 'x', '--xz-level', '12'], /--xz-level 12: expected a whole number from 0 to 9/],
  ])('kiln build %j: a usage error before anything is installed', async (flags, message) => {
    const r = await runCli(['build', '--kickstart', 'missing.ks', '--tree', join(dir, 'no-tree'), '--store', store, ...flags], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  // The real Ctrl-C: SIGINT to kiln's whole process group, so tar and xz die at the same moment as
  // kiln learns of it. Runs the built CLI (npm test builds it first).
  it('Ctrl-C during raw-tar-xz: exit 130, INTERRUPTED, no output, no work directory', async () => {
    // More data than xz -T0 -6 takes in at once (a 24 MiB block per thread), so tar is held back
    // with its output waiting in kiln when the signal comes, as with a real disk.
    const big = await smallBase(store, { name: 'ctrl-c', dataMiB: 160, sizeMiB: 256 });
    const out = join(dir, 'ctrl-c', 'out');
    const cli = join(PROJECT_ROOT, 'dist/src/cli/main.js');
    const argv = [cli, 'target', big.id, '--target', 'raw-tar-xz', '--out', out, '--store', store, '--no-prep', '--json'];
    // node:child_process, not kiln's spawn: the test needs its own process group to signal.
    const child = spawn(process.execPath, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (/"phase":"target:raw-tar-xz","state":"start"/.test(stdout)) resolve();
        });
        void exited.then(() => reject(new Error(`kiln exited before compressing:\n${stdout}`)));
      });
      // Compressed data has reached the half-written output: tar and xz are at work.
      await vi.waitFor(async () => expect(await writtenBytes(out)).toBeGreaterThan(0), { timeout: 60_000, interval: 50 });
      process.kill(-child.pid!, 'SIGINT');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running 30 s after SIGINT'), 30_000))]);
      expect(code, `${stdout}\n${stderr}`).toBe(130);
    } finally {
      // Whatever happened above, nothing of the group (kiln, tar, xz) outlives the test; ESRCH
      // when it is already gone, as it should be.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }
    expect(stdout).toContain('"code":"INTERRUPTED"');
    await expect(readdir(join(dir, 'ctrl-c'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('with no tuning flags makes the outputs --help states, as a drop does with the targets\' own defaults', async () => {
    const stated = helpDefaults((await runCli(['target', '--help'])).stdout);
    const sample = join(dir, 'sample');
    await writeFile(sample, 'kiln');
    await run('xz', ['-k', '-f', `-${stated['--xz-level']}`, sample], { timeoutMs: 30_000 });

    /** The outputs of openstack, raw-tar-xz and appliance, in that order, checked against what --help states. */
    const checkOutputs = async (outDir: string, files: string[]) => {
      const [qcow2, tarXz, appliance] = files.map((f) => join(outDir, f));
      expect((await imageInfo(qcow2!)).compat).toBe(stated['--openstack-compat']);
      // The preset shows in the archive's filter chain: the one xz itself writes for that preset.
      expect(await xzFilters(tarXz!)).toBe(await xzFilters(`${sample}.xz`));
      // A qcow2 appliance is a plain tar (its disks are compressed already).
      expect(appliance).toMatch(/\.appliance\.tar$/);
      const { stdout: descriptor } = await run('tar', ['-xOf', appliance!, '--wildcards', '*.xml'], { timeoutMs: 60_000 });
      expect(descriptor).toContain(`<memory>${parseSize(stated['--appliance-memory']!) / 1024}</memory>`);
      expect(descriptor).toContain(`<vcpu>${stated['--appliance-vcpus']}</vcpu>`);
      expect(descriptor).toMatch(new RegExp(`use="system" format="${stated['--appliance-format']}"`));
      expect(descriptor).toContain('<graphics'); // --no-appliance-graphics turns it off
    };

    const out = join(dir, 'defaults-cli');
    const r = await runCli(['target', base.id, '--target', 'openstack,raw-tar-xz,appliance', '--out', out, '--store', store, '--no-prep', '--accel', 'tcg', '--json']);
    expect(r.code).toBe(0);
    const cli = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { data: { outputs: { file: string }[] } }).data.outputs;
    await checkOutputs(out, cli.map((o) => o.file));

    // A drop gives runTargets no openstack or appliance options: the targets' own defaults apply.
    const lib = await runTargets({ base, targets: ['openstack', 'raw-tar-xz', 'appliance'], outDir: join(dir, 'defaults-lib'), accel: 'tcg', prep: false, emit: () => {} });
    await checkOutputs(join(dir, 'defaults-lib'), lib.outputs.map((o) => o.file));
  });
});

/** The filter chain xz lists for the first block of a .xz file (e.g. --lzma2=dict=8MiB). */
async function xzFilters(file: string): Promise<string> {
  const { stdout } = await run('xz', ['--robot', '--list', '-vv', file], { timeoutMs: 60_000 });
  const block = stdout.split('\n').find((l) => l.startsWith('block\t'));
  return block!.split('\t').at(-1)!;
}

describe('parseApplianceDisk', () => {
  it.each([
    ['data:10G', { use: 'data', sizeMiB: 10240 }],
    ['scratch:512M', { use: 'scratch', sizeMiB: 512 }],
    ['data:100', { use: 'data', sizeMiB: 100 }],
  ])('%s', (text, disk) => {
    expect(parseApplianceDisk(text)).toEqual(disk);
  });
});
