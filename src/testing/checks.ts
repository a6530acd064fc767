/**
 * The named checks of a boot test, judged from what the guest reported (guest-facts.ts) and what
 * kiln knows: the datasource and host name it served, the disk growth it made, the target.
 * Each check passes, fails with what was found, or is skipped saying why.
 */
import type { Firmware } from '../image/boot-firmware.js';
import type { GuestFacts } from './guest-facts.js';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface Expectations {
  /** cloud-init's datasource class name part: NoCloud, Ec2, ConfigDrive. */
  datasource: string;
  hostname: string;
  /** The disk was grown by this many bytes for the test (0: no growth check). */
  growBytes: number;
  /** Root's password must be locked (EC2 images). */
  rootLocked: boolean;
  /** The firmware the guest was started with: the guest must say it booted under it. */
  firmware?: Firmware;
}

/** Files made more than this long before the boot still count as made on this boot (clock steps). */
const CLOCK_SLACK_S = 5;

const pass = (name: string, detail: string): CheckResult => ({ name, status: 'pass', detail });
const fail = (name: string, detail: string): CheckResult => ({ name, status: 'fail', detail });
const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });

export function judge(f: GuestFacts, e: Expectations): CheckResult[] {
  const out: CheckResult[] = [];
  const ci = f.cloudInit;
  if (!ci || ci.status === 'absent') {
    out.push(fail('cloud-init', 'cloud-init is not installed in the image'));
    out.push(skip(`datasource ${e.datasource}`, 'no cloud-init'));
  } else {
    const ok = ci.status === 'done' && ci.errors.length === 0 && (ci.rc === undefined || ci.rc === 0);
    const disabled = ci.status === 'disabled' || ci.status === 'not run' || ci.status === 'not started';
    out.push(
      ok
        ? pass('cloud-init', 'status: done, no errors')
        : fail('cloud-init', disabled ? `cloud-init did not run (status: ${ci.status}): it is disabled or found no datasource` : `status: ${ci.status || '?'}${ci.errors.length ? `; errors: ${ci.errors.join('; ')}` : ''}`),
    );
    const ds = ci.datasource ?? '';
    out.push(ds.includes(`DataSource${e.datasource}`) ? pass(`datasource ${e.datasource}`, ds) : fail(`datasource ${e.datasource}`, ds ? `cloud-init used ${ds}` : 'cloud-init reports no datasource'));
  }
  if (e.firmware) out.push(firmwareCheck(f, e.firmware));
  out.push(f.hostname === e.hostname ? pass('hostname from metadata', e.hostname) : fail('hostname from metadata', `hostname is ${f.hostname ?? '?'}, the metadata said ${e.hostname}`));
  out.push(freshness('machine-id made on this boot', f, f.machineId ? [{ mtime: f.machineId.value ? f.machineId.mtime : Number.NaN, path: '/etc/machine-id' }] : []));
  out.push(f.hostKeys.length ? freshness('ssh host keys made on this boot', f, f.hostKeys) : fail('ssh host keys made on this boot', 'no /etc/ssh/ssh_host_*_key.pub'));
  out.push(leftovers(f));
  if (e.growBytes > 0) out.push(grown(f, e.growBytes));
  if (e.rootLocked) {
    out.push(
      !f.sudo
        ? skip('root password locked', 'the cloud user has no passwordless sudo: /etc/shadow cannot be read')
        : f.rootPassword === 'locked'
          ? pass('root password locked', 'root cannot log in with a password')
          : fail('root password locked', `root's password is ${f.rootPassword ?? 'unknown'}`),
    );
  }
  return out;
}

/** The guest's own word on its firmware: EFI runtime services or none, and the SecureBoot variable. */
function firmwareCheck(f: GuestFacts, firmware: Firmware): CheckResult {
  const name = firmware === 'uefi-secure' ? 'Secure Boot enforcing' : `booted under ${firmware === 'bios' ? 'BIOS' : 'UEFI'}`;
  const fw = f.firmware;
  if (!fw) return fail(name, 'the guest did not report its firmware');
  if (firmware === 'bios') return fw.kind === 'bios' ? pass(name, 'no EFI runtime services (/sys/firmware/efi absent)') : fail(name, 'the guest has EFI runtime services: it booted under UEFI');
  if (fw.kind !== 'uefi') return fail(name, 'the guest has no EFI runtime services (/sys/firmware/efi absent): it booted under BIOS');
  if (firmware === 'uefi') return pass(name, `EFI runtime services present${fw.secureBoot ? ', Secure Boot on' : ''}`);
  if (fw.secureBoot === undefined) return fail(name, 'the SecureBoot EFI variable could not be read');
  return fw.secureBoot ? pass(name, 'the SecureBoot EFI variable is 1') : fail(name, 'the SecureBoot EFI variable is 0: the firmware does not enforce signatures');
}

function freshness(name: string, f: GuestFacts, files: { mtime: number; path: string }[]): CheckResult {
  if (!f.btime) return skip(name, 'the guest did not report its boot time');
  if (files.length === 0 || files.some((x) => Number.isNaN(x.mtime))) return fail(name, 'missing or empty');
  const old = files.filter((x) => x.mtime < f.btime! - CLOCK_SLACK_S);
  return old.length ? fail(name, `${old.map((x) => x.path).join(', ')} predate this boot: every instance of the image would share them`) : pass(name, files.map((x) => x.path).join(', '));
}

function leftovers(f: GuestFacts): CheckResult {
  const name = 'no build leftovers';
  if (!f.sudo) return skip(name, 'the cloud user has no passwordless sudo: root-only files cannot be read');
  const oldLeases = f.btime ? f.leases.filter((l) => l.mtime < f.btime! - CLOCK_SLACK_S).map((l) => l.path) : [];
  const found = [...f.leftovers, ...oldLeases];
  return found.length ? fail(name, `left from the build: ${found.join(', ')}`) : pass(name, 'no shell history, installer logs or old DHCP leases');
}

function grown(f: GuestFacts, growBytes: number): CheckResult {
  const name = 'root file system grown';
  const p = f.rootPart;
  if (!p) return skip(name, 'the root file system is not on a disk partition kiln can measure');
  const SECTOR = 512;
  const gap = (p.diskSize - (p.start + p.size)) * SECTOR;
  // The partition must reach (almost) the end of the enlarged disk, and the file system fill it.
  const partitionGrown = gap < Math.min(growBytes / 2, 64 * 1024 * 1024);
  const fsFills = f.rootFsBytes !== undefined && f.rootFsBytes >= 0.9 * p.size * SECTOR;
  if (partitionGrown && fsFills) return pass(name, `${p.name} ends ${Math.round(gap / 1024 / 1024)} MiB before the end of the disk; the file system fills it`);
  return fail(name, partitionGrown ? `the file system (${f.rootFsBytes} bytes) was not resized to its partition (${p.size * SECTOR} bytes)` : `${p.name} ends ${Math.round(gap / 1024 / 1024)} MiB before the end of the disk grown by ${Math.round(growBytes / 1024 / 1024)} MiB: growpart did not run`);
}
