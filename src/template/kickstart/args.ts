/**
 * Parses a command's words against its spec the way pykickstart's KSOptionParser (argparse)
 * does (see scan.ts for how words are told apart): ints and ksbooleans are checked, options
 * introduced later / removed earlier than the syntax version are errors, deprecated ones
 * warnings. Returns the parsed command and what is wrong with it. Messages never quote the value
 * of a secret (a password, a passphrase, a key) nor the positional words of a command that
 * carries one (rootpw, sshpw).
 */
import type { Severity } from './diagnostics.js';
import { didYouMean, shown } from './diagnostics.js';
import { scanArgs } from './scan.js';
import { argsOf, type CommandSpec, type OptionSpec, type ParsedCommand } from './syntax/types.js';
import { reached, thresholdName, type SyntaxVersion } from './versions.js';

export interface ArgMessage {
  severity: Severity;
  message: string;
}

const BOOLEAN = ['on', 'off', 'yes', 'no', 'true', 'false', '1', '0'];
/** What Python's int() accepts: optional sign, digits with single underscores, surrounding blanks. */
const PY_INT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/** Whether an option exists in this syntax version (introduced and not removed). */
export function optionAvailable(o: OptionSpec, v: SyntaxVersion): boolean {
  return (!o.since || reached(o.since, v)) && !reached(o.removed, v);
}

export function availabilityMessage(label: string, what: string, o: { since?: OptionSpec['since']; removed?: OptionSpec['removed']; deprecated?: OptionSpec['deprecated'] }, v: SyntaxVersion): ArgMessage | undefined {
  if (o.since && !reached(o.since, v)) {
    const n = v.family === 'F' ? o.since.f : o.since.rhel;
    const where = n === null ? `not available on ${v.family === 'F' ? 'Fedora' : 'RHEL'}` : `added in ${thresholdName(o.since, v)}`;
    return { severity: 'error', message: `${label}: ${what} is not available in syntax ${v.name} (${where})` };
  }
  if (o.removed && reached(o.removed, v)) {
    return { severity: 'error', message: `${label}: ${what} was removed in ${thresholdName(o.removed, v)} (validating as ${v.name})` };
  }
  if (o.deprecated && reached(o.deprecated, v)) {
    return { severity: 'warning', message: `${label}: ${what} is deprecated since ${thresholdName(o.deprecated, v)} and has no effect; remove it` };
  }
  return undefined;
}

function checkValue(label: string, name: string, o: OptionSpec, val: string): string | undefined {
  switch (o.type) {
    case 'int':
      return PY_INT.test(val) ? undefined : `${label}: ${name} expects an integer, not ${shown(o, val)}`;
    case 'bool':
      return BOOLEAN.includes(val.toLowerCase()) ? undefined : `${label}: ${name} expects yes/no, on/off, true/false or 1/0, not ${shown(o, val)}`;
    case 'choice': {
      const ok = o.caseInsensitive ? o.choices!.some((c) => c.toLowerCase() === val.toLowerCase()) : o.choices!.includes(val);
      return ok ? undefined : `${label}: ${name} must be one of ${o.choices!.join(', ')}, not ${shown(o, val)}${o.secret ? '' : didYouMean(val, o.choices!)}`;
    }
    default:
      return undefined;
  }
}

/**
 * The option a word names exactly (before any '='), in whichever version (and spec of the
 * command) it exists, with the release range it has there.
 */
function namedOption(specs: CommandSpec[], word: string): Pick<OptionSpec, 'since' | 'removed' | 'deprecated'> | undefined {
  const name = word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
  const found = specs.flatMap((s) => s.options.filter((o) => o.names.includes(name)).map((o) => ({ s, o }))).at(-1);
  return found && { since: found.o.since ?? found.s.since, removed: found.o.removed ?? found.s.removed };
}

/**
 * `family`: every spec the command has had (its options in other releases), so an option from
 * another release is reported as added or removed rather than unknown.
 */
export function parseArgs(label: string, words: string[], spec: CommandSpec, v: SyntaxVersion, loc: { file: string; line: number }, family: CommandSpec[] = [spec]): { parsed: ParsedCommand; messages: ArgMessage[] } {
  const messages: ArgMessage[] = [];
  const parsed: ParsedCommand = { name: label, spec, options: new Map(), positionals: [], file: loc.file, line: loc.line };
  const error = (message: string) => messages.push({ severity: 'error', message });
  if (spec.freeform) {
    parsed.positionals = [...words];
    return { parsed, messages };
  }
  const secretWords = (spec.secretArgs?.length ?? 0) > 0;
  const available = spec.options.filter((o) => optionAvailable(o, v));
  // Words never to quote: after a secret option this release does not have (`--passphrase x` in FC3).
  const hidden = new Set<number>();
  const positionalAt: number[] = [];
  for (const item of scanArgs(words, available)) {
    switch (item.kind) {
      case 'positional':
        parsed.positionals.push(item.value);
        positionalAt.push(item.index);
        break;
      case 'unknown': {
        const name = item.written.split('=')[0]!;
        if (family.some((s) => s.options.some((o) => o.secret && o.names.includes(name)))) hidden.add(item.index + 1);
        const known = namedOption(family, item.written);
        const avail = known && availabilityMessage(label, item.written.split('=')[0]!, known, v);
        if (avail) messages.push(avail);
        else if (item.written === '--') error(`${label}: '--' ends the options, but nothing follows it`);
        else if (secretWords) error(`${label}: an argument starting with '-' is not one of its options (not shown: it may be the secret; write '--' before a value that starts with '-')`);
        else error(`${label}: unknown option ${item.written.split('=')[0]}${didYouMean(item.written.split('=')[0]!, available.flatMap((o) => o.names))}${spec.unknownOptionNote ? `; ${spec.unknownOptionNote}` : ''}`);
        break;
      }
      case 'ambiguous':
        error(`${label}: ${secretWords ? 'an abbreviated option' : item.written.split('=')[0]} is ambiguous: it could be ${item.matches.join(', ')}`);
        break;
      case 'missing-value':
        error(`${label}: ${item.written} expects a value`);
        break;
      case 'option': {
        const { option: o, written, value } = item;
        const avail = availabilityMessage(label, written, o, v);
        if (avail) messages.push(avail);
        if (o.type === 'flag') {
          if (item.explicit) error(`${label}: ${written} takes no value (got ${shown(o, value as string)})`);
          parsed.options.set(o.names[0]!, true);
          break;
        }
        if (typeof value === 'string') {
          const bad = checkValue(label, written, o, value);
          if (bad) error(bad);
        }
        parsed.options.set(o.names[0]!, value);
        break;
      }
    }
  }
  const args = argsOf(spec, v);
  const count = parsed.positionals.length;
  if (count < args.min) {
    error(args.min === 1 ? `${label}: ${args.what} is required` : `${label}: needs at least ${args.min} ${args.what}`);
  } else if (count > args.max) {
    const extra = parsed.positionals.slice(args.max);
    const shownExtra = extra.map((e, i) => (hidden.has(positionalAt[args.max + i]!) ? '(hidden)' : `'${e}'`));
    const what = secretWords ? `${extra.length} more than ${args.max === 1 ? 'one' : args.max} (not shown: ${args.what} is secret)` : shownExtra.join(' ');
    error(`${label}: unexpected argument${extra.length > 1 ? 's' : ''} ${what}`);
  }
  for (const o of available) {
    if (o.required && !parsed.options.has(o.names[0]!)) error(`${label}: ${o.names[0]} is required`);
  }
  return { parsed, messages };
}
