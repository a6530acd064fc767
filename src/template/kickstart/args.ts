/**
 * Parses a command's words against its spec the way pykickstart's KSOptionParser (argparse)
 * does: `--opt=value` or `--opt value`, flags take no value, ints and ksbooleans are checked,
 * options introduced later / removed earlier than the syntax version are errors, deprecated ones
 * warnings. Returns the parsed command and what is wrong with it.
 */
import type { Severity } from './diagnostics.js';
import { didYouMean } from './diagnostics.js';
import type { CommandSpec, OptionSpec, ParsedCommand } from './syntax/types.js';
import { reached, thresholdName, type SyntaxVersion } from './versions.js';

export interface ArgMessage {
  severity: Severity;
  message: string;
}

const BOOLEAN = ['on', 'off', 'yes', 'no', 'true', 'false', '1', '0'];

function looksLikeOption(word: string): boolean {
  return word.startsWith('-') && word.length > 1 && !/^-\d+(\.\d+)?$/.test(word);
}

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
  if (o.nonEmpty && val === '') return `${label}: ${name} must not be empty`;
  switch (o.type) {
    case 'int':
      return /^[+-]?\d+$/.test(val) ? undefined : `${label}: ${name} expects an integer, not '${val}'`;
    case 'bool':
      return BOOLEAN.includes(val.toLowerCase()) ? undefined : `${label}: ${name} expects yes/no, on/off, true/false or 1/0, not '${val}'`;
    case 'choice':
      return o.choices!.includes(val) ? undefined : `${label}: ${name} must be one of ${o.choices!.join(', ')}, not '${val}'${didYouMean(val, o.choices!)}`;
    case 'string':
      return val.length > 2 && val.startsWith('--') ? `${label}: ${name} expects a value, not the option '${val}'` : undefined;
    default:
      return undefined;
  }
}

export function parseArgs(label: string, words: string[], spec: CommandSpec, v: SyntaxVersion, loc: { file: string; line: number }): { parsed: ParsedCommand; messages: ArgMessage[] } {
  const messages: ArgMessage[] = [];
  const parsed: ParsedCommand = { name: label, spec, options: new Map(), positionals: [], file: loc.file, line: loc.line };
  const error = (message: string) => messages.push({ severity: 'error', message });
  if (spec.freeform) {
    parsed.positionals = [...words];
    return { parsed, messages };
  }
  const available = spec.options.filter((o) => optionAvailable(o, v)).flatMap((o) => o.names);
  let onlyPositionals = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (onlyPositionals || !looksLikeOption(w)) {
      parsed.positionals.push(w);
      continue;
    }
    if (w === '--') {
      onlyPositionals = true;
      continue;
    }
    const eq = w.indexOf('=');
    const name = eq >= 0 ? w.slice(0, eq) : w;
    let val: string | undefined = eq >= 0 ? w.slice(eq + 1) : undefined;
    const o = spec.options.find((x) => x.names.includes(name));
    if (!o) {
      error(`${label}: unknown option ${name}${didYouMean(name, available)}`);
      continue;
    }
    const avail = availabilityMessage(label, name, o, v);
    if (avail) messages.push(avail);
    if (o.type === 'flag') {
      if (val !== undefined) error(`${label}: ${name} takes no value (got '${val}')`);
      parsed.options.set(o.names[0]!, true);
      continue;
    }
    if (o.type === 'optional') {
      parsed.options.set(o.names[0]!, val ?? true);
      continue;
    }
    if (val === undefined) {
      const next = words[i + 1];
      if (next === undefined || looksLikeOption(next)) {
        error(`${label}: ${name} expects a value`);
        continue;
      }
      val = next;
      i++;
    }
    const bad = checkValue(label, name, o, val);
    if (bad) error(bad);
    parsed.options.set(o.names[0]!, val);
  }
  const args = spec.args ?? { min: 0, max: 0, what: 'arguments' };
  const count = parsed.positionals.length;
  if (count < args.min) {
    error(args.min === 1 ? `${label}: ${args.what} is required` : `${label}: needs at least ${args.min} ${args.what}`);
  } else if (count > args.max) {
    const extra = parsed.positionals.slice(args.max);
    error(`${label}: unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((e) => `'${e}'`).join(' ')}`);
  }
  for (const o of spec.options) {
    if (o.required && optionAvailable(o, v) && !parsed.options.has(o.names[0]!)) error(`${label}: ${o.names[0]} is required`);
  }
  return { parsed, messages };
}
