/**
 * The boot loader: bootloader (and lilo / lilocheck, which Fedora Core 3 and RHEL 3–4 still had).
 * Follows pykickstart's commands/bootloader.py and lilocheck.py.
 */
import { choice, cmd, flag, given, has, int, since, str, value, type CheckMessage, type CommandSpec, type OptionSpec } from './types.js';

const LOCATIONS = ['mbr', 'partition', 'none', 'boot'];

/** What bootloader and lilo shared on Fedora Core 3 and RHEL 3–4. */
const fc3Options: OptionSpec[] = [
  str('--append'),
  choice('--location', LOCATIONS),
  str('--password', { secret: true }),
  str('--md5pass', { secret: true }),
  str('--driveorder'),
  flag('--upgrade', { deprecated: 'F29', removed: 'F34' }),
  flag('--linear', { removed: 'FC4' }),
  flag('--nolinear', { removed: 'FC4' }),
  flag('--useLilo', { removed: 'FC4' }),
  flag('--lba32', { deprecated: 'F12', removed: 'F14' }),
];

export const bootCommands: CommandSpec[] = [
  cmd('bootloader', [
    ...fc3Options,
    str('--hvargs', { since: '-/RHEL5', removed: '-/RHEL6' }),
    int('--timeout', { since: 'F8' }),
    str('--default', { since: 'F8' }),
    flag('--iscrypted', { since: 'F15/RHEL6' }),
    str('--boot-drive', { since: 'F17' }),
    flag('--leavebootorder', { since: 'F18' }),
    flag('--extlinux', { since: 'F19' }),
    flag('--disabled', { since: 'F21' }),
    flag('--nombr', { since: 'F21' }),
    flag('--sdboot', { since: 'F39' }),
  ], {
    check: (c, { version: v }) => {
      const out: CheckMessage[] = [];
      if (since('F17', v) && (value(c, '--boot-drive') ?? '').includes(',')) out.push('bootloader: --boot-drive takes one drive, not a list');
      if (since('F39', v) && has(c, '--sdboot') && has(c, '--extlinux')) out.push('bootloader: only one of --sdboot and --extlinux may be given');
      // kiln's own advice (pykickstart is silent): Anaconda installs no boot loader at all then.
      if (has(c, '--disabled') && [...c.options.keys()].some((k) => k !== '--disabled' && given(c, k))) out.push({ warning: 'bootloader: other options are ignored with --disabled' });
      return out;
    },
  }),
  cmd('lilo', fc3Options, { removed: 'FC4' }),
  cmd('lilocheck', [], { removed: 'FC4' }),
];
