/**
 * Storage volumes: partitions, LVM, RAID, btrfs. Option names, value types and the releases
 * they appeared, were deprecated or removed in follow pykickstart's commands/partition.py,
 * logvol.py, raid.py, volgroup.py and btrfs.py, version by version (the record in
 * test/fixtures/pykickstart/syntax.json checks every one). The checks are the ones those
 * commands' parse() methods make, from the release they were added.
 */
import { luks, luksChecks } from './luks.js';
import { cmd, flag, given, has, ichoice, int, since, str, value, type CheckMessage, type CommandSpec, type OptionSpec, type ParsedCommand } from './types.js';
import type { SyntaxVersion } from '../versions.js';


/** Removed options that took a number before they were deprecated (pykickstart then keeps them as plain values). */
const numberThenDeprecated = (name: string, from: string | undefined, deprecatedAt: string, removedAt: string): OptionSpec[] => [
  int(name, { since: from, removed: deprecatedAt }),
  str(name, { since: deprecatedAt, deprecated: deprecatedAt, removed: removedAt }),
];

/** --mkfsoptions rules of part, logvol (RHEL 7 on) and raid. */
function mkfsChecks(c: ParsedCommand): CheckMessage[] {
  const out: CheckMessage[] = [];
  if (given(c, '--mkfsoptions') && has(c, '--noformat')) out.push(`${c.name}: --mkfsoptions with --noformat has no effect`);
  if (given(c, '--mkfsoptions') && given(c, '--fsprofile')) out.push(`${c.name}: --mkfsoptions and --fsprofile cannot be used together`);
  return out;
}

/** RHEL 8 and later have no btrfs in the installer. */
const noBtrfs = (v: SyntaxVersion) => v.family === 'RHEL' && v.number >= 8;

const RAID_LEVELS_FC3 = ['RAID0', 'RAID1', 'RAID5', 'RAID6', '0', '1', '5', '6'];
const RAID_LEVELS_F7 = [...RAID_LEVELS_FC3, 'RAID10', '10'];
const RAID_LEVELS_F13 = [...RAID_LEVELS_F7, 'RAID4', '4'];
const BTRFS_LEVELS = ['raid0', 'raid1', 'raid10', 'single', '0', '1', '10'];

/** The storage commands that cannot follow autopart (and that mount cannot follow), by release. */
const manualConflicts = (v: SyntaxVersion): string[] => {
  if (since('F20/RHEL7', v)) return ['autopart', 'mount'];
  return v.family === 'RHEL' && v.number === 6 ? ['autopart'] : [];
};

export const storageCommands: CommandSpec[] = [
  cmd(['part', 'partition'], [
    flag('--active', { deprecated: 'F29', removed: 'F34' }),
    flag('--asprimary'),
    ...numberThenDeprecated('--start', undefined, 'F11', 'F14'),
    ...numberThenDeprecated('--end', undefined, 'F11', 'F14'),
    str(['--fstype', '--type']),
    flag('--grow'),
    int('--maxsize'),
    flag('--noformat'),
    str('--onbiosdisk'),
    str(['--ondisk', '--ondrive']),
    str(['--onpart', '--usepart']),
    flag('--recommended'),
    int('--size'),
    ...numberThenDeprecated('--bytes-per-inode', 'FC4', 'F9', 'F14'),
    str('--fsoptions', { since: 'FC4' }),
    str('--label', { since: 'FC4' }),
    str('--fsprofile', { since: 'F9' }),
    flag('--hibernation', { since: 'F18/RHEL6' }),
    flag('--resize', { since: 'F17' }),
    str('--mkfsoptions', { since: 'F23/RHEL7' }),
    ...luks(),
    str('--hw-passphrase', { since: 'F41', secret: true }),
  ], {
    multiple: true,
    args: { min: 1, max: 1, what: 'mount point' },
    conflicts: manualConflicts,
    check: (c, { version: v }) => {
      const out: CheckMessage[] = [];
      if (since('F17', v) && has(c, '--resize') && !given(c, '--onpart')) out.push('part: --resize can only be used together with --onpart');
      if (since('F17', v) && has(c, '--resize') && !given(c, '--size')) out.push('part: --resize needs --size to give the new size');
      if (since('F20/RHEL7', v) && value(c, '--fstype') === 'tmpfs' && (has(c, '--grow') || Number(value(c, '--maxsize') ?? 0) !== 0)) {
        out.push('part: --fstype=tmpfs cannot be used with --grow or --maxsize');
      }
      if (since('F23/RHEL7', v)) out.push(...mkfsChecks(c));
      if (noBtrfs(v) && ((c.positionals[0] ?? '').startsWith('btrfs.') || value(c, '--fstype') === 'btrfs')) out.push(`part: btrfs is not supported on ${v.name}`);
      return [...out, ...luksChecks(c, v)];
    },
  }),

  cmd('logvol', [
    str('--fstype'),
    flag('--grow'),
    int('--maxsize'),
    str('--name', { required: true }),
    flag('--noformat'),
    int('--percent'),
    flag('--recommended'),
    int('--size'),
    flag('--useexisting'),
    str('--vgname', { required: true }),
    ...numberThenDeprecated('--bytes-per-inode', 'FC4', 'F9', 'F14'),
    str('--fsoptions', { since: 'FC4' }),
    str('--fsprofile', { since: 'F9' }),
    flag('--hibernation', { since: 'F18/RHEL6' }),
    flag('--thinpool', { since: 'F20/RHEL6' }),
    flag('--thin', { since: 'F20/RHEL6' }),
    str('--poolname', { since: 'F20/RHEL6' }),
    int('--chunksize', { since: 'F20/RHEL6' }),
    int('--metadatasize', { since: 'F20/RHEL6' }),
    str('--profile', { since: 'F21/RHEL6' }),
    str('--label', { since: 'F15' }),
    flag('--resize', { since: 'F17' }),
    str('--mkfsoptions', { since: 'F23/RHEL7' }),
    int('--cachesize', { since: 'F23' }),
    str('--cachemode', { since: 'F23' }),
    str('--cachepvs', { since: 'F23' }),
    ...luks(),
  ], {
    multiple: true,
    args: { min: 1, max: 1, what: 'mount point' },
    conflicts: manualConflicts,
    check: (c, { version: v }) => {
      const out: CheckMessage[] = [];
      const preexist = has(c, '--useexisting') || has(c, '--noformat');
      const thinRules = since('F20', v) || (v.family === 'RHEL' && v.number >= 6);
      if (since('F17', v) && has(c, '--resize') && !preexist) out.push('logvol: --resize can only be used together with --useexisting');
      if (since('F17', v) && has(c, '--resize') && !given(c, '--size')) out.push('logvol: --resize needs --size to give the new size');
      if (thinRules) {
        if (has(c, '--thin') && has(c, '--thinpool')) out.push('logvol: --thin and --thinpool cannot both be given');
        if (has(c, '--thin') && !given(c, '--poolname')) out.push('logvol: --thin needs --poolname');
        if ((Number(value(c, '--chunksize') ?? 0) || Number(value(c, '--metadatasize') ?? 0)) && !has(c, '--thinpool')) out.push('logvol: --chunksize and --metadatasize are for thin pools (--thinpool) only');
      }
      if (since('F20/RHEL7', v)) {
        const sized = Number(value(c, '--percent') ?? 0) || Number(value(c, '--size') ?? 0) || has(c, '--recommended') || has(c, '--hibernation');
        if (!preexist && !sized) out.push('logvol: no size given: use one of --size, --percent, --recommended, --hibernation, --useexisting or --noformat');
        const pct = value(c, '--percent');
        if (pct !== undefined && (Number(pct) < 0 || Number(pct) > 100)) out.push('logvol: --percent must be between 0 and 100');
      }
      if (since('F21/RHEL7', v) && Number(value(c, '--size') ?? 0) && Number(value(c, '--percent') ?? 0)) out.push('logvol: --size and --percent cannot both be given');
      if (since('F23/RHEL8', v) && (given(c, '--cachesize') || given(c, '--cachemode') || given(c, '--cachepvs'))) {
        if (preexist) out.push('logvol: a cache cannot be added to an existing logical volume');
        else if (has(c, '--thin')) out.push('logvol: thin volumes cannot be cached');
        else if (!given(c, '--cachepvs')) out.push('logvol: a cache needs --cachepvs (the fast physical volumes)');
        else if (!Number(value(c, '--cachesize') ?? 0)) out.push('logvol: a cache needs --cachesize');
        else if (given(c, '--cachemode') && !['writeback', 'writethrough'].includes(value(c, '--cachemode')!)) out.push(`logvol: --cachemode must be writeback or writethrough, not '${value(c, '--cachemode')}'`);
      }
      if (since('F23/RHEL7', v)) out.push(...mkfsChecks(c));
      if (noBtrfs(v) && value(c, '--fstype') === 'btrfs') out.push(`logvol: btrfs is not supported on ${v.name}`);
      return [...out, ...luksChecks(c, v)];
    },
  }),

  cmd('volgroup', [
    flag('--noformat'),
    int('--pesize'),
    flag('--useexisting'),
    int('--reserved-space', { since: 'F16/RHEL6' }),
    int('--reserved-percent', { since: 'F16/RHEL6' }),
  ], {
    multiple: true,
    args: { min: 1, max: Infinity, what: 'volume group name' },
    unknownOptionNote: 'pykickstart would take it as a physical volume, and Anaconda would stop: no partition has that name',
    conflicts: (v) => (since('F16/RHEL6', v) ? ['autopart', 'mount'] : []),
    check: (c, { version: v }) => {
      const out: CheckMessage[] = [];
      const preexist = has(c, '--useexisting') || has(c, '--noformat');
      const members = c.positionals.length - 1;
      if (members === 0 && !preexist) out.push(`volgroup: '${c.positionals[0]}' needs its physical volumes (pv.<id>), or --useexisting`);
      if (members > 0 && preexist) out.push('volgroup: physical volumes may not be given for an existing volume group (--useexisting/--noformat)');
      if (since('F16/RHEL6', v)) {
        const space = value(c, '--reserved-space');
        if (space !== undefined && Number(space) < 0) out.push('volgroup: --reserved-space must be a positive number');
        const pct = value(c, '--reserved-percent');
        if (pct !== undefined && !(Number(pct) > 0 && Number(pct) < 100)) out.push('volgroup: --reserved-percent must be between 1 and 99');
      }
      return out;
    },
  }),

  cmd('raid', [
    str('--device', { required: true }),
    str('--fstype'),
    ichoice('--level', RAID_LEVELS_FC3, { removed: 'F7/RHEL5' }),
    ichoice('--level', RAID_LEVELS_F7, { since: 'F7/RHEL5', removed: 'F13/RHEL6' }),
    ichoice('--level', RAID_LEVELS_F13, { since: 'F13' }),
    flag('--noformat'),
    int('--spares'),
    flag('--useexisting'),
    str('--fsoptions', { since: 'FC4' }),
    ...numberThenDeprecated('--bytes-per-inode', 'FC5', 'F9', 'F14'),
    str('--fsprofile', { since: 'F9' }),
    str('--label', { since: 'F15' }),
    str('--mkfsoptions', { since: 'F23/RHEL7' }),
    int('--chunksize', { since: 'F25/RHEL7' }),
    ...luks(),
  ], {
    multiple: true,
    args: { min: 1, max: Infinity, what: 'mount point' },
    conflicts: manualConflicts,
    check: (c, { version: v }) => {
      const out: CheckMessage[] = [];
      const preexist = has(c, '--useexisting') || has(c, '--noformat');
      const members = c.positionals.length - 1;
      if (members === 0 && !preexist) out.push('raid: member partitions (raid.<id>) are required unless --useexisting or --noformat is given');
      if (members > 0 && preexist) out.push('raid: members may not be given for an existing RAID device (--useexisting/--noformat)');
      if (!preexist && !given(c, '--level')) out.push('raid: --level is required for a new RAID device');
      if (preexist && !given(c, '--device')) out.push('raid: an existing RAID device (--useexisting/--noformat) needs its --device');
      if (since('F23/RHEL7', v)) out.push(...mkfsChecks(c));
      if (noBtrfs(v) && v.number <= 9 && value(c, '--fstype') === 'btrfs') out.push(`raid: btrfs is not supported on ${v.name}`);
      return [...out, ...luksChecks(c, v)];
    },
  }),

  cmd('btrfs', [
    flag('--noformat'),
    flag('--useexisting'),
    str('--label'),
    ichoice('--data', BTRFS_LEVELS),
    ichoice('--metadata', BTRFS_LEVELS),
    flag('--subvol'),
    str('--parent'),
    str('--name'),
    str('--mkfsoptions', { since: 'F23/RHEL7' }),
  ], {
    multiple: true,
    since: 'F17',
    deprecated: '-/RHEL8',
    removed: '-/RHEL10',
    args: { min: 1, max: Infinity, what: 'mount point' },
    check: (c, { version: v }) => {
      const out: CheckMessage[] = [];
      if (c.positionals.length < 2) out.push(has(c, '--subvol') ? 'btrfs: a subvolume needs its parent volume (e.g. LABEL=fedora) after the mount point' : 'btrfs: the member devices (btrfs.<id>) are required');
      if (has(c, '--subvol') && !given(c, '--name')) out.push('btrfs: a subvolume (--subvol) needs --name');
      if (since('F23/RHEL7', v) && given(c, '--mkfsoptions') && (has(c, '--noformat') || has(c, '--useexisting'))) out.push('btrfs: --mkfsoptions with --noformat or --useexisting has no effect');
      return out;
    },
  }),

];

