/**
 * Disk-wide storage commands: autopart, reqpart, clearpart, zerombr, ignoredisk, mount,
 * snapshot, zipl. Follows pykickstart's commands/autopart.py, reqpart.py, clearpart.py,
 * zerombr.py, ignoredisk.py, mount.py, snapshot.py and zipl.py, release by release.
 */
import { luks, luksChecks } from './luks.js';
import { cmd, flag, given, has, ichoice, opt, since, str, value, type CheckMessage, type CommandSpec } from './types.js';

export const diskCommands: CommandSpec[] = [
  // Before F9 (RHEL 5) autopart took no options at all.
  cmd('autopart', [], { removed: 'F9/RHEL5' }),
  cmd('autopart', [
    ...luks({ escrow: 'F12', cipher: 'F18/RHEL6' }),
    flag('--nolvm', { since: 'F16/RHEL7' }),
    ichoice('--type', ['lvm', 'btrfs', 'plain', 'partition'], { since: 'F17', removed: 'F20' }),
    ichoice('--type', ['lvm', 'btrfs', 'plain', 'partition', 'thinp'], { since: 'F20/RHEL7' }),
    str('--fstype', { since: 'F21/RHEL7' }),
    flag('--nohome', { since: 'F26/RHEL7' }),
    flag('--noboot', { since: 'F26' }),
    flag('--noswap', { since: 'F26' }),
    flag('--hibernation', { since: 'F38/RHEL10' }),
    str('--hw-passphrase', { since: 'F41', secret: true }),
  ], {
    since: 'F9/RHEL5',
    conflicts: (v) => (since('F23/RHEL7', v) ? ['partition', 'raid', 'volgroup', 'logvol', 'reqpart'] : since('F20/RHEL6', v) ? ['partition', 'raid', 'volgroup', 'logvol'] : []),
    check: (c, { version: v }) => {
      const out: CheckMessage[] = [];
      const type = value(c, '--type')?.toLowerCase();
      if (since('F21/RHEL7', v) && value(c, '--fstype') === 'btrfs') out.push('autopart: --fstype=btrfs is not a file system type here; use --type=btrfs');
      else if (since('F21/RHEL7', v) && type === 'btrfs' && given(c, '--fstype')) out.push('autopart: --fstype cannot be used with --type=btrfs');
      if (v.family === 'RHEL' && v.number >= 8 && v.number <= 10 && type === 'btrfs') out.push(`autopart: --type=btrfs is not supported on ${v.name}`);
      if (since('F38/RHEL10', v) && has(c, '--hibernation') && has(c, '--noswap')) out.push('autopart: only one of --noswap and --hibernation may be given');
      return [...out, ...luksChecks(c, v)];
    },
  }),

  cmd('reqpart', [flag('--add-boot')], { since: 'F23/RHEL7', conflicts: () => ['autopart', 'mount'] }),

  cmd('clearpart', [
    flag('--all'),
    str('--drives'),
    flag('--initlabel'),
    flag('--linux'),
    flag('--none'),
    str('--list', { since: 'F17/RHEL7' }),
    str('--disklabel', { since: 'F21/RHEL7' }),
    flag('--cdl', { since: 'F28/RHEL7' }),
  ], {
    check: (c) => {
      const label = value(c, '--disklabel');
      // Stricter than pykickstart, which takes any word: Anaconda only knows these four and stops on any other.
      if (label && !['msdos', 'gpt', 'dasd', 'mac'].includes(label)) {
        return [`clearpart: --disklabel=${label} is not a disk label Anaconda can create (msdos, gpt; dasd on s390x, mac on old PowerPC); the install would stop`];
      }
      return [];
    },
  }),

  // Until F8 (RHEL 5) zerombr ignored its arguments with a warning; from F9 on they are an error.
  cmd('zerombr', [], {
    removed: 'F9/RHEL6',
    freeform: true,
    check: (c) => (c.positionals.length ? [{ warning: `zerombr: takes no arguments; ${c.positionals.length === 1 ? `'${c.positionals[0]}' is` : 'they are'} ignored (from F9 on this is an error)` }] : []),
  }),
  cmd('zerombr', [], { since: 'F9/RHEL6' }),

  cmd('ignoredisk', [
    str('--drives', { required: true, removed: 'F8/RHEL4' }),
    str('--drives', { since: 'F8/RHEL4' }),
    str('--only-use', { since: 'F8/RHEL4' }),
    flag('--interactive', { since: 'F14/RHEL6', deprecated: 'F29', removed: 'F34' }),
  ], {
    check: (c, { version: v }) => {
      if (!since('F8/RHEL4', v)) return [];
      const counted = ['--drives', '--only-use', ...(since('F14/RHEL6', v) && !since('F29', v) ? ['--interactive'] : [])];
      const used = counted.filter((n) => given(c, n));
      return used.length === 1 ? [] : [`ignoredisk: give exactly one of ${counted.join(', ')}`];
    },
  }),

  cmd('mount', [opt('--reformat', 'optional'), str('--mkfsoptions'), str('--mountoptions')], {
    multiple: true,
    since: 'F27/RHEL8',
    args: { min: 2, max: 2, what: 'device and mount point' },
    conflicts: () => ['autopart', 'partition', 'raid', 'volgroup', 'logvol', 'reqpart'],
    check: (c) => {
      const out: CheckMessage[] = [];
      const mp = c.positionals[1];
      if (mp !== undefined && mp.toLowerCase() !== 'none' && !mp.startsWith('/')) out.push(`mount: '${mp}' is not a mount point (/path or none)`);
      if (given(c, '--mkfsoptions') && !has(c, '--reformat')) out.push('mount: --mkfsoptions needs --reformat');
      return out;
    },
  }),

  cmd('snapshot', [
    str('--name', { required: true }),
    ichoice('--when', ['pre-install', 'post-install'], { required: true }),
  ], {
    multiple: true,
    since: 'F26/RHEL7',
    args: { min: 1, max: 1, what: 'origin (VG/LV)' },
    check: (c) => {
      const parts = (c.positionals[0] ?? '').split('/');
      return parts.length === 2 && parts[0] && parts[1] ? [] : [`snapshot: the origin '${c.positionals[0]}' must be given as VG/LV`];
    },
  }),

  cmd('zipl', [flag('--secure-boot'), flag('--no-secure-boot'), flag('--force-secure-boot')], { since: 'F32/RHEL8' }),
];
