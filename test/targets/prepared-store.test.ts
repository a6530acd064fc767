/**
 * Prepared overlays kept in the store (the prep itself is a stand-in here: it needs a real guest,
 * test/integration/ runs it): made once per base and prep, reused, made by one kiln at a time,
 * never kept when the prep fails, and made again when the kept overlay changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOverlay, imageInfo } from '../../src/image/qemu-img.js';
import { keptPrep, preparedKey } from '../../src/targets/prepared-store.js';
import { genericCloudPrep } from '../../src/targets/prep/spec.js';
import { ec2Prep } from '../../src/targets/ec2/facts.js';
import type { PrepReport } from '../../src/targets/prep/report.js';
import type { BaseImage } from '../../src/store/store.js';
import { smallBase } from './fixtures/small-base.js';

let dir: string;
let base: BaseImage;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-prepared-store-'));
  base = await smallBase(join(dir, 'store'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const report = (user: string): PrepReport => ({ cloudUser: user, machineIdEmptied: true, grubConfigs: [], entries: [], blsEntries: [], bios: true, efi: false, modules: [], builtin: [], errors: [], warnings: [] });

function keep(spec = genericCloudPrep(), make: (overlay: string) => Promise<PrepReport> = async () => report('fedora')) {
  let calls = 0;
  const result = keptPrep({
    base,
    spec,
    createOverlay: (path) => createOverlay(base.disk, 'qcow2', path),
    make: async (overlay) => {
      calls++;
      return make(overlay);
    },
  });
  return { result, calls: () => calls };
}

describe('keptPrep', () => {
  it('makes the prepared overlay once, read-only and backed by the base, and returns it to later runs', async () => {
    const first = keep();
    const a = (await first.result)!;
    expect(a.made).toBe(true);
    expect(first.calls()).toBe(1);
    expect((await stat(a.kept.overlay)).mode & 0o777).toBe(0o444);
    expect((await imageInfo(a.kept.overlay)).backingFile).toBe(base.disk);
    const second = keep();
    const b = (await second.result)!;
    expect(b).toEqual({ kept: a.kept, made: false });
    expect(second.calls()).toBe(0);
    expect(b.kept.report.cloudUser).toBe('fedora');
  });

  it('another prep of the same base is kept apart', async () => {
    const ec2 = keep(ec2Prep('x86_64'), async () => report('ec2-user'));
    const r = (await ec2.result)!;
    expect(r.made).toBe(true);
    expect(r.kept.report.cloudUser).toBe('ec2-user');
    expect(await preparedKey(ec2Prep('x86_64'))).not.toBe(await preparedKey(genericCloudPrep()));
    expect((await readdir(join(base.dir, 'prepared'))).sort()).toEqual([await preparedKey(ec2Prep('x86_64')), await preparedKey(genericCloudPrep())].sort());
  });

  it('two kilns at once: one prepares, the other waits and uses it', async () => {
    const spec = { ...genericCloudPrep(), grubTimeout: 5 };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const one = keep(spec, async () => {
      await gate;
      return report('one');
    });
    await new Promise((r) => setTimeout(r, 200));
    const two = keep(spec, async () => report('two'));
    await new Promise((r) => setTimeout(r, 300));
    release();
    const [a, b] = await Promise.all([one.result, two.result]);
    expect(one.calls() + two.calls()).toBe(1);
    expect(a!.kept).toEqual(b!.kept);
    expect([a!.made, b!.made]).toEqual([true, false]);
  });

  it('a failed prep keeps nothing, and the next run prepares again', async () => {
    const spec = { ...genericCloudPrep(), grubTimeout: 7 };
    const failing = keep(spec, async () => {
      throw new Error('the prep failed');
    });
    await expect(failing.result).rejects.toThrow('the prep failed');
    const entries = await readdir(join(base.dir, 'prepared'));
    expect(entries).not.toContain(await preparedKey(spec));
    expect(entries.filter((e) => e.endsWith('.tmp'))).toEqual([]);
    const again = keep(spec);
    expect((await again.result)!.made).toBe(true);
  });

  it('a kept overlay that changed is not trusted: it is prepared again', async () => {
    const spec = { ...genericCloudPrep(), grubTimeout: 9 };
    const first = (await keep(spec).result)!;
    await appendFile(first.kept.overlay, Buffer.alloc(512));
    const second = keep(spec);
    expect((await second.result)!.made).toBe(true);
    expect(second.calls()).toBe(1);
  });
});
