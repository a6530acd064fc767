/**
 * Reads the record of pykickstart's handlers (test/fixtures/pykickstart/syntax.json, written by
 * scripts/pykickstart/dump-syntax.py) and lists where kiln's command tables disagree with it,
 * version by version, command by command, option by option.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { optionAvailable } from '../../../src/template/kickstart/args.js';
import { ALL_COMMANDS, lookupCommand, lookupSection, sectionAsCommand } from '../../../src/template/kickstart/syntax/index.js';
import type { CommandSpec, OptionSpec } from '../../../src/template/kickstart/syntax/types.js';
import { reached, resolveSyntaxVersion, type SyntaxVersion } from '../../../src/template/kickstart/versions.js';

export interface PkOption {
  names: string[];
  kind: 'flag' | 'value' | 'optional';
  type?: 'string' | 'int' | 'bool';
  choices?: string[];
  ichoices?: string[];
  required?: boolean;
  deprecated?: boolean;
}

export interface PkClass {
  status: 'ok' | 'deprecated' | 'removed';
  options?: PkOption[];
  positionals?: Array<{ dest: string; nargs: number | string }>;
  custom?: boolean;
  conflicts?: string[];
}

export interface PkSyntax {
  pykickstart: { version: string; commit: string };
  versions: Array<{ name: string; number: number }>;
  devel: string;
  handlers: Record<string, Record<string, string>>;
  classes: Record<string, PkClass>;
  sections: Record<string, Record<string, { options: PkOption[]; free?: boolean }>>;
}

export const PK: PkSyntax = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/pykickstart/syntax.json'), 'utf8'));

export function kilnVersion(name: string): SyntaxVersion {
  return resolveSyntaxVersion(name).version;
}

type State = 'rejected' | 'deprecated' | 'ok';

function kilnState(spec: CommandSpec | undefined, v: SyntaxVersion): State {
  if (!spec || (spec.since && !reached(spec.since, v)) || reached(spec.removed, v)) return 'rejected';
  return spec.deprecated && reached(spec.deprecated, v) ? 'deprecated' : 'ok';
}

function pkState(cls: PkClass | undefined): State {
  if (!cls || cls.status === 'removed') return 'rejected';
  return cls.status;
}

function describeKiln(o: OptionSpec): string {
  switch (o.type) {
    case 'flag':
      return 'flag';
    case 'optional':
      return 'optional';
    case 'choice':
      return `${o.caseInsensitive ? 'ichoices' : 'choices'} ${[...o.choices!].map((c) => (o.caseInsensitive ? c.toLowerCase() : c)).sort().join(',')}`;
    default:
      return `value ${o.type}`;
  }
}

function describePk(o: PkOption): string {
  if (o.kind === 'flag' || o.kind === 'optional') return o.kind;
  if (o.ichoices) return `ichoices ${[...o.ichoices].sort().join(',')}`;
  if (o.choices) return `choices ${[...o.choices].sort().join(',')}`;
  return `value ${o.type}`;
}

function compareOptions(where: string, kilnOptions: OptionSpec[], pkOptions: PkOption[], v: SyntaxVersion, out: string[]): void {
  const available = kilnOptions.filter((o) => optionAvailable(o, v));
  const seen = new Set<string>();
  for (const p of pkOptions) {
    for (const name of p.names) {
      seen.add(name);
      const k = available.find((o) => o.names.includes(name));
      if (!k) {
        out.push(`${where}: ${name} missing in kiln (pykickstart: ${describePk(p)}${p.deprecated ? ', deprecated' : ''})`);
        continue;
      }
      if (describeKiln(k) !== describePk(p)) out.push(`${where}: ${name} is ${describeKiln(k)} in kiln, ${describePk(p)} in pykickstart`);
      if (!!k.required !== !!p.required) out.push(`${where}: ${name} required: kiln ${!!k.required}, pykickstart ${!!p.required}`);
      const kDep = reached(k.deprecated, v);
      if (kDep !== !!p.deprecated) out.push(`${where}: ${name} deprecated: kiln ${kDep}, pykickstart ${!!p.deprecated}`);
    }
  }
  for (const k of available) {
    for (const name of k.names) if (!seen.has(name)) out.push(`${where}: ${name} accepted by kiln, unknown to pykickstart`);
  }
}

/** Every disagreement between kiln's tables and pykickstart's handlers, one line each. */
export function tableDifferences(): string[] {
  const out: string[] = [];
  for (const { name } of PK.versions) {
    const v = kilnVersion(name);
    const table = PK.handlers[name]!;
    const names = new Set([...Object.keys(table), ...ALL_COMMANDS.flatMap((c) => c.names)]);
    for (const cmdName of [...names].sort()) {
      const spec = lookupCommand(cmdName, v);
      const cls = table[cmdName] ? PK.classes[table[cmdName]!] : undefined;
      const ks = kilnState(spec, v);
      const ps = pkState(cls);
      const where = `${name} ${cmdName}`;
      if (ks !== ps) {
        out.push(`${where}: kiln ${ks}, pykickstart ${ps} (${table[cmdName] ?? 'no handler'})`);
        continue;
      }
      if (ks !== 'ok' || !spec || !cls) continue;
      const kConflicts = (spec.conflicts?.(v) ?? []).map((n) => lookupCommand(n, v)?.names[0] ?? n).sort();
      const pConflicts = (cls.conflicts ?? []).map((n) => lookupCommand(n, v)?.names[0] ?? n).sort();
      if (kConflicts.join() !== pConflicts.join()) out.push(`${where}: conflicts with ${kConflicts.join(', ') || 'nothing'} in kiln, ${pConflicts.join(', ') || 'nothing'} in pykickstart`);
      if (cls.custom || spec.freeform) continue;
      compareOptions(where, spec.options, cls.options ?? [], v, out);
    }
    for (const [secName, sec] of Object.entries(PK.sections[name]!)) {
      const spec = lookupSection(secName);
      if (!spec) {
        out.push(`${name} ${secName}: section unknown to kiln`);
        continue;
      }
      if (sec.free) continue;
      compareOptions(`${name} ${secName}`, sectionAsCommand(spec).options, sec.options, v, out);
    }
  }
  return out;
}
