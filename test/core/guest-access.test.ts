/**
 * Whether libvirt's QEMU user can pass the directories above a guest's files. The checks read
 * real modes and owners; openToGuest changes a group, so the kiln test suite (run as root) can.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkGuestCanReach, guestIsOther, openToGuest } from '../../src/core/guest-access.js';

const asRoot = process.getuid?.() === 0;
// Another user than this process: libvirt's QEMU user as Debian makes it.
const qemu = { uid: 64055, gid: 64055 };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-guest-access-'));
  await chmod(dir, 0o711);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('guest access', () => {
  it('is about another user only', () => {
    expect(guestIsOther(undefined)).toBe(false);
    expect(guestIsOther({ uid: process.getuid!(), gid: 0 })).toBe(false);
    expect(guestIsOther(qemu)).toBe(true);
  });

  it('names the first directory QEMU cannot pass, with its mode', async () => {
    const closed = join(dir, 'closed');
    await mkdir(join(closed, 'work'), { recursive: true });
    await chmod(closed, 0o700);
    await expect(checkGuestCanReach(join(closed, 'work', 'initrd.img'), qemu, 'the work directory')).rejects.toMatchObject({
      code: 'GUEST_CANNOT_REACH',
      message: `libvirt runs QEMU as uid 64055, which cannot pass ${closed} (mode 0700) to reach the work directory`,
    });
    await chmod(closed, 0o711);
    await expect(checkGuestCanReach(join(closed, 'work', 'initrd.img'), qemu, 'the work directory')).resolves.toBeUndefined();
  });

  it('skips directories not made yet (a new store) and checks the ones above them', async () => {
    await expect(checkGuestCanReach(join(dir, 'store', 'tmp', 'build', 'initrd.img'), qemu, 'x')).resolves.toBeUndefined();
    const closed = join(dir, 'closed-too');
    await mkdir(closed, { mode: 0o700 });
    await expect(checkGuestCanReach(join(closed, 'store', 'tmp', 'initrd.img'), qemu, 'x')).rejects.toMatchObject({ code: 'GUEST_CANNOT_REACH' });
  });

  it('checks nothing when QEMU runs as this user', async () => {
    await expect(checkGuestCanReach('/nonexistent/a/b', undefined, 'x')).resolves.toBeUndefined();
  });

  it.runIf(asRoot)("opens a work directory to QEMU's group only (0710), or keeps it private (0700)", async () => {
    const work = join(dir, 'work');
    await mkdir(work);
    await openToGuest(work, qemu);
    const shared = await stat(work);
    expect([shared.mode & 0o777, shared.gid]).toEqual([0o710, qemu.gid]);
    await openToGuest(work, undefined);
    expect((await stat(work)).mode & 0o777).toBe(0o700);
  });
});
