/**
 * Commands that steer the installer itself: display mode, what happens at the end, remote
 * access, rescue. Follows pykickstart's commands/displaymode.py, reboot.py, vnc.py, rdp.py,
 * rescue.py, autostep.py and the RHEL 6 handler.
 */
import { cmd, exclusive, flag, str, type CommandSpec } from './types.js';

/** Display modes and end-of-install actions are one pykickstart command each, spelt several ways. */
export const DISPLAY_MODES = ['text', 'cmdline', 'graphical'] as const;
export const END_ACTIONS = ['poweroff', 'reboot', 'halt', 'shutdown'] as const;

export const installerCommands: CommandSpec[] = [
  ...DISPLAY_MODES.map((name) => cmd(name, [flag('--non-interactive', { since: 'F26' })])),
  ...END_ACTIONS.map((name) => cmd(name, [flag('--eject'), flag('--kexec', { since: 'F23' })])),
  cmd('vnc', [str('--host'), str('--port'), str('--password', { secret: true })]),
  cmd('rdp', [str('--username'), str('--password', { secret: true })], { since: 'F43/-' }),
  cmd('rescue', [flag('--nomount'), flag('--romount')], { check: (c) => exclusive(c, ['--nomount', '--romount'], false) }),
  cmd('autostep', [flag('--autoscreenshot')], { deprecated: 'F34', removed: 'F40/-' }),
  cmd('interactive', [], { since: '-/RHEL6', removed: '-/RHEL7' }),
  cmd('installclass', [str('--name', { required: true })], { since: 'F26/-', removed: 'F29/-' }),
];

/** Commands that are one setting spelt several ways: the last one wins (pykickstart shares the object). */
export const SHARED_SETTINGS: string[][] = [[...DISPLAY_MODES], [...END_ACTIONS]];
