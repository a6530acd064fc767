/**
 * Storage commands: partitions, LVM, RAID, btrfs, autopart, disks, bootloader. Option names and
 * the releases they appeared in follow pykickstart's commands/partition.py, logvol.py, raid.py,
 * volgroup.py, autopart.py, clearpart.py, bootloader.py and friends.
 */
import { choice, cmd, exclusive, flag, has, int, str, value, type CheckMessage, type CommandSpec, type OptionSpec, type ParsedCommand } from './types.js';
import { reached, at } from '../versions.js';

/** Encryption options shared by part, logvol, raid and autopart. */
const luks: OptionSpec[] = [
  flag('--encrypted'),
  str('--passphrase', { secret: true }),
  str('--escrowcert'),
  flag('--backuppassphrase'),
  str('--cipher'),
  choice('--luks-version', ['luks1', 'luks2'], { since: 'F29' }),
  str('--pbkdf', { since: 'F29' }),
  int('--pbkdf-memory', { since: 'F29' }),
  int('--pbkdf-time', { since: 'F29' }),
  int('--pbkdf-iterations', { since: 'F29' }),
];

/** Filesystem options shared by part, logvol and raid. */
const filesystem: OptionSpec[] = [
  str(['--fstype', '--type']),
  str('--fsoptions'),
  str('--label'),
  str('--fsprofile'),
  flag('--noformat'),
  str('--mkfsoptions', { since: 'F23' }),
  // Removed long before F19 but still met in old kickstarts: say so instead of "unknown".
  int('--bytes-per-inode', { deprecated: 'F9/RHEL6', removed: 'F14/-' }),
];

function fsChecks(c: ParsedCommand): CheckMessage[] {
  const out: CheckMessage[] = [];
  if (has(c, '--mkfsoptions') && has(c, '--noformat')) out.push(`${c.name}: --mkfsoptions with --noformat has no effect`);
  if (has(c, '--mkfsoptions') && has(c, '--fsprofile')) out.push(`${c.name}: --mkfsoptions and --fsprofile cannot be used together`);
  if (value(c, '--fstype') === 'tmpfs' && (has(c, '--grow') || has(c, '--maxsize'))) {
    out.push(`${c.name}: --fstype=tmpfs cannot be used with --grow or --maxsize`);
  }
  return out;
}

const MOUNTPOINT = /^(\/.*|swap|none|biosboot|raid\.\S+|pv\.\S+|btrfs\.\S+|stratis\.\S+|None)$/;

function mountpointCheck(c: ParsedCommand): CheckMessage[] {
  const mp = c.positionals[0];
  if (mp !== undefined && !MOUNTPOINT.test(mp)) {
    return [`${c.name}: '${mp}' is not a mount point (expected /path, swap, biosboot, raid.<id>, pv.<id> or btrfs.<id>)`];
  }
  return [];
}

const RAID_LEVELS = ['0', '1', '4', '5', '6', '10'];

export const storageCommands: CommandSpec[] = [
  cmd(['part', 'partition'], [
    flag('--active'),
    flag('--asprimary'),
    flag('--grow'),
    int('--maxsize'),
    str('--onbiosdisk'),
    str(['--ondisk', '--ondrive']),
    str(['--onpart', '--usepart']),
    flag('--recommended'),
    int('--size'),
    flag('--resize'),
    flag('--hibernation'),
    int('--start', { deprecated: 'F11/RHEL6', removed: 'F14/-' }),
    int('--end', { deprecated: 'F11/RHEL6', removed: 'F14/-' }),
    ...filesystem,
    ...luks,
  ], {
    multiple: true,
    args: { min: 1, max: 1, what: 'mount point' },
    check: (c) => {
      const out = [...mountpointCheck(c), ...fsChecks(c)];
      if (has(c, '--resize') && !has(c, '--onpart')) out.push('part: --resize can only be used in conjunction with --onpart');
      if (has(c, '--resize') && !has(c, '--size')) out.push('part: --resize requires --size to specify the new size');
      return out;
    },
  }),

  cmd('logvol', [
    str('--vgname', { required: true }),
    str('--name', { required: true }),
    int('--size'),
    flag('--grow'),
    int('--maxsize'),
    int('--percent'),
    flag('--useexisting'),
    flag('--recommended'),
    flag('--resize'),
    flag('--hibernation'),
    flag('--thinpool', { since: 'F20' }),
    flag('--thin', { since: 'F20' }),
    int('--chunksize', { since: 'F20' }),
    int('--metadatasize', { since: 'F20' }),
    str('--poolname', { since: 'F20' }),
    str('--profile', { since: 'F21' }),
    str('--cachepvs', { since: 'F23/RHEL7' }),
    int('--cachesize', { since: 'F23/RHEL7' }),
    choice('--cachemode', ['writeback', 'writethrough'], { since: 'F23/RHEL7' }),
    ...filesystem,
    ...luks,
  ], {
    multiple: true,
    args: { min: 1, max: 1, what: 'mount point' },
    check: (c) => {
      const out = [...mountpointCheck(c), ...fsChecks(c)];
      if (has(c, '--thin') && !has(c, '--poolname')) out.push('logvol: --thin requires --poolname');
      if (has(c, '--percent') && has(c, '--size')) out.push('logvol: --percent and --size cannot be used together');
      return out;
    },
  }),

  cmd('volgroup', [
    flag('--noformat'),
    flag('--useexisting'),
    int('--pesize'),
    int('--reserved-space'),
    int('--reserved-percent'),
  ], {
    multiple: true,
    args: { min: 1, max: Infinity, what: 'volume group name and physical volumes' },
    check: (c) =>
      c.positionals.length < 2 && !has(c, '--useexisting') && !has(c, '--noformat')
        ? [`volgroup: '${c.positionals[0]}' needs at least one physical volume (pv.<id>), or --useexisting`]
        : [],
  }),

  cmd('raid', [
    str('--level'),
    str('--device', { required: true }),
    flag('--useexisting'),
    int('--spares'),
    int('--chunksize'),
    ...filesystem,
    ...luks,
  ], {
    multiple: true,
    args: { min: 1, max: Infinity, what: 'mount point and member partitions' },
    check: (c) => {
      const out = [...mountpointCheck(c), ...fsChecks(c)];
      const level = value(c, '--level');
      if (level !== undefined && !RAID_LEVELS.includes(level.toLowerCase().replace(/^raid/, ''))) {
        out.push(`raid: --level '${level}' is not a RAID level (expected RAID0, RAID1, RAID4, RAID5, RAID6 or RAID10)`);
      }
      if (!has(c, '--useexisting') && !has(c, '--noformat') && c.positionals.length < 2) {
        out.push('raid: member partitions (raid.<id>) are required unless --useexisting or --noformat is given');
      }
      return out;
    },
  }),

  cmd('btrfs', [
    str('--data'),
    str('--metadata'),
    str('--label'),
    flag('--subvol'),
    str('--name'),
    flag('--noformat'),
    flag('--useexisting'),
    str('--mkfsoptions', { since: 'F23' }),
  ], {
    multiple: true,
    since: 'F17',
    removed: '-/RHEL8',
    args: { min: 1, max: Infinity, what: 'mount point and member devices' },
    check: (c) => (has(c, '--subvol') && !has(c, '--name') ? ['btrfs: --subvol requires --name'] : []),
  }),

  cmd('autopart', [
    choice('--type', ['lvm', 'btrfs', 'plain', 'thinp'], { since: 'F17' }),
    flag('--nolvm', { since: 'F17' }),
    str('--fstype', { since: 'F20' }),
    flag('--nohome', { since: 'F26' }),
    flag('--noboot', { since: 'F26' }),
    flag('--noswap', { since: 'F26' }),
    flag('--hibernation', { since: 'F38/-' }),
    ...luks,
  ], {
    check: (c, ctx) => {
      const out: CheckMessage[] = [...exclusive(c, ['--type', '--nolvm'], false)];
      if (value(c, '--type') === 'thinp' && !reached(at('F20'), ctx.version)) out.push("autopart: --type=thinp needs syntax F20 or RHEL7");
      if (value(c, '--type') === 'btrfs' && ctx.version.family === 'RHEL' && ctx.version.number >= 8) {
        out.push(`autopart: --type=btrfs is not supported on ${ctx.version.name}`);
      }
      return out;
    },
  }),

  cmd('reqpart', [flag('--add-boot')], { since: 'F23/RHEL7' }),

  cmd('clearpart', [
    flag('--all'),
    flag('--linux'),
    flag('--none'),
    str('--drives'),
    flag('--initlabel'),
    str('--list', { since: 'F17' }),
    choice('--disklabel', ['msdos', 'gpt', 'mac', 'dasd'], { since: 'F21' }),
    flag('--cdl', { since: 'F28' }),
  ], { check: (c) => exclusive(c, ['--all', '--linux', '--none', '--list'], false) }),

  cmd('zerombr', [], {
    args: { min: 0, max: Infinity, what: 'arguments' },
    check: (c) => (c.positionals.length ? [{ warning: 'zerombr: takes no arguments any more; they are ignored' }] : []),
  }),

  cmd('ignoredisk', [
    str('--drives'),
    str('--only-use'),
    flag('--interactive', { removed: 'F29' }),
  ], { check: (c) => exclusive(c, ['--drives', '--only-use', '--interactive'], true) }),

  cmd('bootloader', [
    str('--append'),
    str('--driveorder'),
    choice('--location', ['mbr', 'partition', 'none', 'boot']),
    str('--password', { secret: true }),
    flag('--iscrypted'),
    int('--timeout'),
    str('--boot-drive', { since: 'F17' }),
    str('--default'),
    flag('--leavebootorder', { since: 'F18' }),
    flag('--extlinux', { since: 'F19' }),
    flag('--disabled', { since: 'F21/RHEL7' }),
    flag('--nombr', { since: 'F21/RHEL7' }),
    flag('--sdboot', { since: 'F39/-' }),
    // Already-encrypted password; F15 and RHEL6 map it to --password with --iscrypted.
    str('--md5pass', { secret: true }),
    flag('--upgrade', { deprecated: 'F29', removed: 'F34' }),
    flag('--lba32', { deprecated: 'F12/RHEL6', removed: 'F14/-' }),
  ], {
    check: (c) => (has(c, '--disabled') && c.options.size > 1 ? [{ warning: 'bootloader: other options are ignored with --disabled' }] : []),
  }),

  cmd('mount', [opt0('--reformat'), str('--mkfsoptions'), str('--mountoptions')], {
    multiple: true,
    since: 'F27',
    args: { min: 2, max: 2, what: 'device and mount point' },
  }),

  cmd('snapshot', [
    str('--name', { required: true }),
    choice('--when', ['pre-install', 'post-install'], { required: true }),
  ], { multiple: true, since: 'F26', args: { min: 1, max: 1, what: 'vg_name/lv_name' } }),

  cmd('zipl', [flag('--secure-boot'), flag('--no-secure-boot'), flag('--force-secure-boot')], {
    since: 'F32',
    check: (c) => exclusive(c, ['--secure-boot', '--no-secure-boot', '--force-secure-boot'], false),
  }),

];

function opt0(name: string): OptionSpec {
  return { names: [name], type: 'optional' };
}
