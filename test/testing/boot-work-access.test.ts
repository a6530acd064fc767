/**
 * The boot test lets QEMU into its work directory once, asking the hypervisor whom QEMU runs as
 * only when first needed, and names an image QEMU cannot reach (when booted in place).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hypervisor } from '../../hypervisor/index.js';
import { guestAccess } from '../../src/testing/boot-work-access.js';

const asRoot = process.getuid?.() === 0;
const qemu = { uid: 64055, gid: 64055 };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-boot-access-'));
  await chmod(dir, 0o711);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A hypervisor that only says whom QEMU runs as, and counts how often it was asked. */
function counting(who: typeof qemu | undefined) {
  const asked = { count: 0 };
  const hypervisor = async () => {
    asked.count++;
    return { guestIdentity: async () => who } as unknown as Hypervisor;
  };
  return { asked, hypervisor };
}

describe('guestAccess', () => {
  it('asks the hypervisor nothing until called, then once however often it is called', async () => {
    const work = join(dir, 'once');
    await mkdir(work, { mode: 0o755 });
    const { asked, hypervisor } = counting(undefined);
    const letIn = guestAccess({ work, image: join(dir, 'disk.qcow2'), bootsInPlace: true, hypervisor });
    expect(asked.count).toBe(0);
    await Promise.all([letIn(), letIn()]);
    await letIn();
    expect(asked.count).toBe(1);
    // QEMU runs as this process: the directory is private.
    expect((await stat(work)).mode & 0o777).toBe(0o700);
  });

  it.runIf(asRoot)("opens the work directory to QEMU's group and names an image in place QEMU cannot reach", async () => {
    const work = join(dir, 'shared');
    await mkdir(work);
    const closed = join(dir, 'closed');
    await mkdir(closed, { mode: 0o700 });
    await writeFile(join(closed, 'disk.qcow2'), '');
    const letIn = guestAccess({ work, image: join(closed, 'disk.qcow2'), bootsInPlace: true, hypervisor: counting(qemu).hypervisor });
    await expect(letIn()).rejects.toMatchObject({ code: 'GUEST_CANNOT_REACH', message: expect.stringContaining(`cannot pass ${closed} (mode 0700)`) });
    const shared = await stat(work);
    expect([shared.mode & 0o777, shared.gid]).toEqual([0o710, qemu.gid]);
    // An unpacked image is in the work directory: where it came from is not QEMU's business.
    const unpacked = guestAccess({ work, image: join(closed, 'disk.raw.xz'), bootsInPlace: false, hypervisor: counting(qemu).hypervisor });
    await expect(unpacked()).resolves.toBeUndefined();
  });
});
