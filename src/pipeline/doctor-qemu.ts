/**
 * `kiln doctor`'s checks of whom QEMU runs as under libvirt, and whether that user can do its
 * job without kiln weakening the host: reach the store's work directories, and use /dev/kvm
 * (libvirt re-probes QEMU on every domain start when its QEMU user cannot open /dev/kvm: ~50 s
 * per start, measured). Also says when every QEMU of the host runs as root (an old kiln set-up
 * put `user = "root"` in qemu.conf; kiln does not need it).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hypervisor } from '../../hypervisor/index.js';
import { isKilnError } from '../core/errors.js';
import { checkGuestCanReach } from '../core/guest-access.js';
import type { Check } from './doctor-check.js';

const SETUP = 'Run scripts/setup-host.sh as root.';

async function accountName(uid: number): Promise<string | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  return passwd.split('\n').map((l) => l.split(':')).find((f) => f[2] === String(uid))?.[0];
}

/**
 * The groups a process of `uid` runs with (libvirt starts QEMU with the user's groups): `gid`, the
 * account's primary group in /etc/passwd (libvirt-qemu's is kvm on Debian) and the groups of
 * /etc/group that list the account.
 */
export function groupsOf(uid: number, gid: number, passwd: string, group: string): Set<number> {
  const account = passwd.split('\n').map((l) => l.split(':')).find((f) => f[2] === String(uid));
  const groups = new Set([gid]);
  if (account?.[3]) groups.add(Number(account[3]));
  for (const f of group.split('\n').map((l) => l.split(':'))) if (account && f[3]?.split(',').includes(account[0]!)) groups.add(Number(f[2]));
  return groups;
}

export async function qemuChecks(hv: Hypervisor, storeDir: string): Promise<Check[]> {
  const who = await hv.guestIdentity().catch(() => undefined);
  if (!who) return [{ name: 'qemu user', status: 'ok', detail: `${hv.uri} has no DAC security model: QEMU runs as the connecting user` }];
  const name = (await accountName(who.uid)) ?? `uid ${who.uid}`;
  const checks: Check[] = [];
  if (who.uid === 0 && process.getuid?.() === 0 && hv.uri.startsWith('qemu:///system')) {
    checks.push({
      name: 'qemu user',
      status: 'warn',
      detail: 'libvirt runs every QEMU of this host as root (user = "root" in /etc/libvirt/qemu.conf)',
      hint: `kiln does not need it: ${SETUP} It removes the line an older kiln set-up added, and restarts libvirtd when no guest is running.`,
    });
  } else {
    checks.push({ name: 'qemu user', status: 'ok', detail: `libvirt runs QEMU as ${name} (uid ${who.uid}, gid ${who.gid})` });
  }
  try {
    await checkGuestCanReach(join(storeDir, 'tmp', 'build', 'initrd.img'), who, "the store's work directories");
    checks.push({ name: 'store reach', status: 'ok', detail: `${name} can reach the work directories under ${storeDir}` });
  } catch (error) {
    if (!isKilnError(error) || error.code !== 'GUEST_CANNOT_REACH') throw error;
    checks.push({ name: 'store reach', status: 'fail', detail: error.message, hint: error.hint });
  }
  const kvm = await stat('/dev/kvm').catch(() => undefined);
  if (kvm && who.uid !== 0) {
    const groups = groupsOf(who.uid, who.gid, await readFile('/etc/passwd', 'utf8').catch(() => ''), await readFile('/etc/group', 'utf8').catch(() => ''));
    const usable = kvm.uid === who.uid ? (kvm.mode & 0o600) === 0o600 : groups.has(kvm.gid) ? (kvm.mode & 0o060) === 0o060 : (kvm.mode & 0o006) === 0o006;
    checks.push(
      usable
        ? { name: 'qemu kvm access', status: 'ok', detail: `${name} can open /dev/kvm (libvirt caches QEMU's capabilities)` }
        : {
            name: 'qemu kvm access',
            status: 'warn',
            detail: `${name} cannot open /dev/kvm (mode ${(kvm.mode & 0o777).toString(8)}, gid ${kvm.gid}): libvirt probes QEMU again on every domain start (~50 s each)`,
            hint: `${SETUP} It gives /dev/kvm to the kvm group (0660, as Debian's udev rule does) and puts ${name} in it.`,
          },
    );
  }
  return checks;
}
