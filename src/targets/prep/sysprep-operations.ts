/**
 * The virt-sysprep operations cloud prep runs. virt-sysprep's defaults, minus those that would
 * undo what the image's author configured on purpose (users' cron jobs, editor backup files in
 * /etc, LVM UUIDs), plus `customize` (kiln's guest script and the root lock run inside it).
 * Intersected with what the installed virt-sysprep knows, so an older one still works.
 */
import { KilnError } from '../../core/errors.js';
import { run } from '../../core/run.js';

export const SYSPREP_OPERATIONS = [
  'abrt-data',
  'bash-history',
  'blkid-tab',
  'crash-data',
  'customize',
  'dhcp-client-state',
  'dhcp-server-state',
  'kerberos-hostkeytab',
  'logfiles',
  'machine-id',
  'mail-spool',
  'net-hostname',
  'net-hwaddr',
  'net-nmconn',
  'pacct-log',
  'package-manager-cache',
  'passwd-backups',
  'puppet-data-log',
  'rh-subscription-manager',
  'rhn-systemid',
  'rpm-db',
  'samba-db-log',
  'smolt-uuid',
  'ssh-hostkeys',
  'ssh-userdir',
  'sssd-db-log',
  'tmp-files',
  'udev-persistent-net',
  'utmp',
  'yum-uuid',
] as const;

/** Operations cloud prep cannot do without: missing ones are an error, not a silent skip. */
export const REQUIRED_OPERATIONS = ['customize', 'machine-id', 'ssh-hostkeys', 'udev-persistent-net', 'dhcp-client-state', 'logfiles'];

let known: Promise<Set<string>> | undefined;

/** Parses `virt-sysprep --list-operations` ("name * description" lines). */
export function parseOperationList(text: string): Set<string> {
  return new Set(text.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((n) => /^[a-z0-9-]+$/.test(n)));
}

export async function sysprepOperations(signal?: AbortSignal): Promise<string[]> {
  known ??= run('virt-sysprep', ['--list-operations'], { timeoutMs: 60_000, signal }).then(({ stdout }) => parseOperationList(stdout));
  const available = await known.catch((error: unknown) => {
    known = undefined;
    throw error;
  });
  const missing = REQUIRED_OPERATIONS.filter((op) => !available.has(op));
  if (missing.length > 0) {
    throw new KilnError('TARGET_SYSPREP_TOO_OLD', `virt-sysprep lacks the operations ${missing.join(', ')}`, {
      fault: 'user',
      hint: 'Install a newer libguestfs-tools (scripts/setup-host.sh).',
    });
  }
  return SYSPREP_OPERATIONS.filter((op) => available.has(op));
}
