/**
 * What Anaconda needs to install without asking anyone, beyond valid syntax. pykickstart accepts
 * an empty kickstart (an interactive install asks for the rest); an unattended one stops at the
 * first mandatory screen the kickstart leaves incomplete:
 * - storage: some partitioning (autopart, reqpart with part …, mount) that gives a root file system;
 * - an administrator: rootpw, or a user in the wheel group that is not locked (from F18 / RHEL 7;
 *   older installers always asked for the root password);
 * - before F18 / RHEL 7 the installer also asked for the language, keyboard and time zone;
 * - a source or payload: without one Anaconda installs from what it was booted with (inst.repo=
 *   or the install medium), which works only when that is an install tree.
 * `kiln ks validate` reports these as warnings (a kickstart may be a fragment for %include, or meant
 * for an interactive install); `kiln build`, which is unattended by construction, treats the ones
 * marked `stops` as errors.
 */
import type { SectionNode } from './document.js';
import type { Diagnostic } from './diagnostics.js';
import type { ParsedCommand } from './syntax/types.js';
import { since } from './syntax/types.js';
import type { SyntaxVersion } from './versions.js';

export interface UnattendedContext {
  commands: ParsedCommand[];
  sections: SectionNode[];
  version: SyntaxVersion;
  /** Some %include could not be read here (e.g. written by %pre): what it holds is unknown. */
  unresolved: boolean;
  file: string;
  /** kiln adds a root password itself (the template's), so none is missing. */
  rootPasswordGiven?: boolean;
}

/** One thing an unattended install lacks; `stops` when Anaconda certainly stops there. */
export interface Missing {
  what: 'storage' | 'root file system' | 'administrator' | 'language' | 'keyboard' | 'time zone' | 'installation source';
  stops: boolean;
  message: string;
}

const SOURCES = ['url', 'cdrom', 'harddrive', 'nfs', 'hmc', 'liveimg', 'ostreesetup', 'ostreecontainer', 'bootc'];
const MOUNTED = ['part', 'partition', 'raid', 'logvol', 'btrfs'];

const has = (ctx: UnattendedContext, names: string[]) => ctx.commands.some((c) => c.spec.names.some((n) => names.includes(n)));

export function missingForUnattended(ctx: UnattendedContext): Missing[] {
  if (ctx.unresolved) return [];
  const v = ctx.version;
  const out: Missing[] = [];
  const newUi = since('F18/RHEL7', v);
  const mountCmds = ctx.commands.filter((c) => c.spec.names.some((n) => MOUNTED.includes(n)));
  const mounts = ctx.commands.filter((c) => c.spec.names[0] === 'mount');
  if (!has(ctx, ['autopart', 'mount', ...MOUNTED])) {
    out.push({ what: 'storage', stops: true, message: 'no partitioning: an unattended install stops at the storage screen; add autopart, or part/logvol/btrfs commands with a / mount point' });
  } else if (!has(ctx, ['autopart']) && !mountCmds.some((c) => c.positionals[0] === '/') && !mounts.some((c) => c.positionals[1] === '/')) {
    out.push({ what: 'root file system', stops: true, message: 'the partitioning has no / mount point: Anaconda stops because there is no root file system' });
  }
  const wheel = ctx.commands.some((c) => c.spec.names[0] === 'user' && !c.options.has('--lock') && String(c.options.get('--groups') ?? '').split(',').map((g) => g.trim()).includes('wheel'));
  if (!ctx.rootPasswordGiven && !has(ctx, ['rootpw']) && !(newUi && wheel)) {
    out.push({
      what: 'administrator',
      stops: true,
      message: newUi
        ? 'no rootpw and no unlocked user in the wheel group: an unattended install stops at the root password screen; add rootpw (or rootpw --lock with a wheel user)'
        : 'no rootpw: this installer asks for the root password and an unattended install stops there',
    });
  }
  if (!newUi) {
    if (!has(ctx, ['lang'])) out.push({ what: 'language', stops: true, message: 'no lang: this installer asks for the language; add e.g. lang en_US.UTF-8' });
    if (!has(ctx, ['keyboard'])) out.push({ what: 'keyboard', stops: true, message: 'no keyboard: this installer asks for the keyboard layout; add e.g. keyboard us' });
    if (!has(ctx, ['timezone'])) out.push({ what: 'time zone', stops: true, message: 'no timezone: this installer asks for the time zone; add e.g. timezone Etc/UTC' });
  }
  if (!has(ctx, SOURCES)) {
    out.push({ what: 'installation source', stops: false, message: 'no installation source (url, liveimg, …): Anaconda installs from what it was booted with (inst.repo=, or the medium); `kiln build` gives it the tree of --tree' });
  }
  return out;
}

/**
 * The findings as diagnostics on the kickstart: warnings for `kiln ks validate`; for a build
 * (`required`), errors where Anaconda would certainly stop.
 */
export function checkUnattended(ctx: UnattendedContext, required = false): Diagnostic[] {
  // A build always boots the installer with the tree it installs from.
  const findings = missingForUnattended(ctx).filter((m) => !(required && m.what === 'installation source'));
  return findings.map((m) => ({
    severity: required && m.stops ? 'error' : 'warning',
    file: ctx.file,
    line: 0,
    message: `unattended install: ${m.message}`,
  }));
}
