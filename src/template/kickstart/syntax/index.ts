/** The command registry (name → spec) and the section table, built once from the data tables. */
import type { CommandSpec, OptionSpec } from './types.js';
import { storageCommands } from './storage.js';
import { deviceCommands } from './devices.js';
import { sourceCommands } from './source.js';
import { systemCommands } from './system.js';
import { installerCommands } from './installer.js';
import { flag, int, str } from './types.js';

export const ALL_COMMANDS: CommandSpec[] = [...installerCommands, ...sourceCommands, ...storageCommands, ...deviceCommands, ...systemCommands];

const BY_NAME = new Map<string, CommandSpec>();
for (const spec of ALL_COMMANDS) {
  for (const name of spec.names) {
    if (BY_NAME.has(name)) throw new Error(`kickstart table: command ${name} defined twice`);
    BY_NAME.set(name, spec);
  }
}

export function lookupCommand(name: string): CommandSpec | undefined {
  return BY_NAME.get(name);
}

export function allCommandNames(): string[] {
  return [...BY_NAME.keys()];
}

/** The option spec for `name` (any spelling) in a command spec. */
export function lookupOption(spec: CommandSpec, name: string): OptionSpec | undefined {
  return spec.options.find((o) => o.names.includes(name));
}

export type SectionKind = 'script' | 'packages' | 'opaque';

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
  flag('--default'),
  str(['--inst-langs', '--instLangs']),
  flag('--nobase', { since: 'F12/RHEL6', deprecated: 'F18', removed: 'F22' }),
  flag('--multilib', { since: 'F18' }),
  flag('--nocore', { since: 'F21' }),
  int('--timeout', { since: 'F22/RHEL7' }),
  int('--retries', { since: 'F22/RHEL7' }),
  flag(['--exclude-weakdeps', '--excludeWeakdeps'], { since: 'F24' }),
  flag('--ignorebroken', { since: 'F32' }),
  flag('--ignoredeps', { removed: 'F9/RHEL6' }),
  flag('--resolvedeps', { removed: 'F9/RHEL6' }),
];

export const SECTIONS: SectionSpec[] = [
  { name: '%packages', kind: 'packages', options: packagesOptions },
  { name: '%pre', kind: 'script', options: scriptOptions },
  { name: '%pre-install', kind: 'script', options: scriptOptions },
  { name: '%post', kind: 'script', options: [...scriptOptions, flag('--nochroot')] },
  { name: '%onerror', kind: 'script', options: scriptOptions },
  { name: '%traceback', kind: 'script', options: scriptOptions },
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

