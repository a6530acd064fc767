/** The command registry (name → spec, per version) and the section table, built once from the data tables. */
import type { CommandSpec, OptionSpec } from './types.js';
import { storageCommands } from './storage.js';
import { diskCommands } from './disks.js';
import { bootCommands } from './boot.js';
import { deviceCommands } from './devices.js';
import { sourceCommands } from './source.js';
import { systemCommands } from './system.js';
import { installerCommands } from './installer.js';
import { flag, int, str } from './types.js';
import { reached, type SyntaxVersion } from '../versions.js';

export const ALL_COMMANDS: CommandSpec[] = [...installerCommands, ...sourceCommands, ...storageCommands, ...diskCommands, ...bootCommands, ...deviceCommands, ...systemCommands];

/** Every spec a command name has: usually one; several when its shape changed between releases. */
const BY_NAME = new Map<string, CommandSpec[]>();
for (const spec of ALL_COMMANDS) {
  for (const name of spec.names) BY_NAME.set(name, [...(BY_NAME.get(name) ?? []), spec]);
}

/** Whether a command spec exists in this version (introduced and not removed). */
export function specAvailable(spec: CommandSpec, v: SyntaxVersion): boolean {
  return (!spec.since || reached(spec.since, v)) && !reached(spec.removed, v);
}

/**
 * The spec of a command: the one for version v when given (else the one nearest to v, for
 * messages), and without a version the newest (editing and rendering read option names only).
 */
export function lookupCommand(name: string, v?: SyntaxVersion): CommandSpec | undefined {
  const specs = BY_NAME.get(name);
  if (!specs) return undefined;
  if (!v) return specs.at(-1);
  return specs.find((s) => specAvailable(s, v)) ?? (specs.find((s) => s.since && !reached(s.since, v)) ? specs[0] : specs.at(-1));
}

/** Every spec a command name has had, oldest first. */
export function commandFamily(name: string): CommandSpec[] {
  return BY_NAME.get(name) ?? [];
}

/**
 * The options a command has had in any release, one per spelling (the newest definition): what
 * editing and redaction read a line with, whatever syntax version it is for.
 */
export function commandOptions(name: string): OptionSpec[] {
  const out: OptionSpec[] = [];
  const taken = new Set<string>();
  for (const spec of [...commandFamily(name)].reverse()) {
    for (const o of [...spec.options].reverse()) {
      if (o.names.some((n) => taken.has(n))) continue;
      o.names.forEach((n) => taken.add(n));
      out.unshift(o);
    }
  }
  return out;
}

export function allCommandNames(): string[] {
  return [...BY_NAME.keys()];
}

/** The option spec for `name` (any spelling) in a command spec. */
export function lookupOption(spec: CommandSpec, name: string): OptionSpec | undefined {
  return spec.options.find((o) => o.names.includes(name));
}

export type SectionKind = 'script' | 'packages' | 'certificate' | 'opaque';

export interface SectionSpec {
  name: string;
  kind: SectionKind;
  options: OptionSpec[];
}

/** Options every script section takes (pykickstart's ScriptSection). */
const scriptOptions: OptionSpec[] = [flag('--erroronfail'), str('--interpreter'), str(['--log', '--logfile'])];

/** %packages options by release, as pykickstart's PackageSection adds them. */
const packagesOptions: OptionSpec[] = [
  flag('--excludedocs'),
  flag('--ignoremissing'),
  flag('--ignoredeps', { deprecated: 'FC3/RHEL3', removed: 'F9' }),
  flag('--resolvedeps', { deprecated: 'FC3/RHEL3', removed: 'F9' }),
  flag('--default', { since: 'F7' }),
  str('--instLangs', { since: 'F9', deprecated: 'F40/-', removed: '-/RHEL10' }),
  str('--inst-langs', { since: 'F32' }),
  flag('--nobase', { since: 'F14/RHEL6', deprecated: 'F18', removed: 'F22' }),
  flag('--multilib', { since: 'F18' }),
  flag('--nocore', { since: 'F21' }),
  int('--timeout', { since: 'F22/RHEL7' }),
  int('--retries', { since: 'F22/RHEL7' }),
  flag('--excludeWeakdeps', { since: 'F24', deprecated: 'F40/-', removed: '-/RHEL10' }),
  flag('--exclude-weakdeps', { since: 'F32' }),
  flag('--ignorebroken', { since: 'F32/-' }),
];

export const SECTIONS: SectionSpec[] = [
  { name: '%packages', kind: 'packages', options: packagesOptions },
  { name: '%pre', kind: 'script', options: scriptOptions },
  { name: '%pre-install', kind: 'script', options: scriptOptions },
  { name: '%post', kind: 'script', options: [...scriptOptions, flag('--nochroot')] },
  { name: '%onerror', kind: 'script', options: scriptOptions },
  { name: '%traceback', kind: 'script', options: scriptOptions },
  // pykickstart registers %certificate for every version (Anaconda acts on it from F42 / RHEL 10).
  { name: '%certificate', kind: 'certificate', options: [str('--filename', { required: true }), str('--dir'), str('--type')] },
  // pykickstart keeps these verbatim (NullSection): add-on data and Anaconda's own settings.
  { name: '%addon', kind: 'opaque', options: [] },
  { name: '%anaconda', kind: 'opaque', options: [] },
];

export function lookupSection(name: string): SectionSpec | undefined {
  return SECTIONS.find((s) => s.name === name);
}

export const SECTION_NAMES = SECTIONS.map((s) => s.name);

/** A section's options as a command spec, so the same option parser checks headers. */
export function sectionAsCommand(section: SectionSpec): CommandSpec {
  return {
    names: [section.name],
    options: section.options,
    args: section.kind === 'opaque' ? { min: 0, max: Infinity, what: 'arguments' } : { min: 0, max: 0, what: 'arguments' },
    freeform: section.kind === 'opaque',
  };
}
