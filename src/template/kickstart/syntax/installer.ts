/**
 * Commands that steer the installer itself: display mode, what happens at the end, remote
 * access, rescue, interactive steps. Follows pykickstart's commands/displaymode.py, reboot.py,
 * vnc.py, rdp.py, rescue.py, autostep.py and interactive.py, release by release.
 */
import { cmd, flag, has, since, str, type CommandSpec } from './types.js';

/** Display modes and end-of-install actions are one pykickstart command each, spelt several ways. */
export const DISPLAY_MODES = ['text', 'cmdline', 'graphical'] as const;
export const END_ACTIONS = ['poweroff', 'reboot', 'halt', 'shutdown'] as const;

export const installerCommands: CommandSpec[] = [
  ...DISPLAY_MODES.map((name) =>
    cmd(name, [flag('--non-interactive', { since: 'F26' })], {
      check: (c, { version: v }) => (name === 'cmdline' && since('F26', v) && has(c, '--non-interactive') ? ['cmdline: --non-interactive applies to text and graphical only'] : []),
    }),
  ),
  // Until FC5 (RHEL 4) the end-of-install commands took no options and ignored any words.
  ...END_ACTIONS.map((name) => cmd(name, [], { removed: 'FC6', freeform: true })),
  ...END_ACTIONS.map((name) => cmd(name, [flag('--eject'), flag('--kexec', { since: 'F23' })], { since: 'FC6' })),
  cmd('vnc', [str('--connect', { removed: 'F9' }), str('--password', { secret: true }), str('--host', { since: 'FC6' }), str('--port', { since: 'FC6' })], { deprecated: 'F43/RHEL10', removed: 'F45/RHEL11' }),
  cmd('rdp', [str('--username'), str('--password', { secret: true })], { since: 'F43/RHEL10' }),
  cmd('rescue', [flag('--nomount'), flag('--romount')], {
    since: 'F10',
    check: (c) => (has(c, '--nomount') && has(c, '--romount') ? ['rescue: only one of --nomount and --romount may be given'] : []),
  }),
  cmd('autostep', [flag('--autoscreenshot')], { deprecated: 'F34', removed: 'F40' }),
  cmd('interactive', [], { deprecated: 'F14/-', removed: 'F15/RHEL7' }),
];

/** Commands that are one setting spelt several ways: the last one wins (pykickstart shares the object). */
export const SHARED_SETTINGS: string[][] = [[...DISPLAY_MODES], [...END_ACTIONS]];
