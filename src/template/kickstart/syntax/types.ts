/**
 * The shape of kiln's kickstart command tables: each command and option is data (names, value
 * type, when it appeared, was deprecated, was removed), read from pykickstart's handlers
 * (pykickstart/commands/*.py, pykickstart/handlers/*.py). The validator interprets the tables;
 * the few rules that are not option syntax live in each command's `check`.
 */
import { at, type Threshold } from '../versions.js';

/** How an option takes its value, as pykickstart's argparse definitions do. */
export type OptionType =
  | 'flag' // store_true / store_false: no value
  | 'string' // one value, must not look like another option
  | 'int'
  | 'bool' // pykickstart's ksboolean: on/off, yes/no, true/false, 1/0
  | 'choice'
  | 'optional'; // nargs='?': `--opt` alone or `--opt=value`

export interface OptionSpec {
  /** The spellings, first is preferred: ['--fstype', '--type']. */
  names: string[];
  type: OptionType;
  choices?: string[];
  required?: boolean;
  since?: Threshold;
  deprecated?: Threshold;
  removed?: Threshold;
  /** The value is a URL (rewritten by mapUrls). */
  url?: boolean;
  /** The value is a secret (replaced in redacted renderings). */
  secret?: boolean;
  /** An empty value (`--url=`) is an error. */
  nonEmpty?: boolean;
}

/** The result of parsing one command line against its spec. */
export interface ParsedCommand {
  name: string;
  spec: CommandSpec;
  /** Options by preferred name; a flag is `true`, repeated options keep the last value. */
  options: Map<string, string | true>;
  positionals: string[];
  file: string;
  line: number;
}

/** A check's finding: a string is an error; `{ warning }` is a warning. */
export type CheckMessage = string | { warning: string };

export interface CheckContext {
  version: import('../versions.js').SyntaxVersion;
}

export interface CommandSpec {
  /** The spellings: ['part', 'partition']. Each name is a command of its own in pykickstart's map. */
  names: string[];
  options: OptionSpec[];
  /** Positional arguments: how many, and what to call them in messages. */
  args?: { min: number; max: number; what: string };
  /** The command may appear many times (part, repo, network …); otherwise the last one wins. */
  multiple?: boolean;
  since?: Threshold;
  deprecated?: Threshold;
  removed?: Threshold;
  /** Arguments are passed through unparsed (auth, realm …). */
  freeform?: boolean;
  /** Positional arguments that hold secrets (rootpw's password), by index. */
  secretArgs?: number[];
  /** Positional arguments that are URLs, by index (updates). */
  urlArgs?: number[];
  /** Semantic rules beyond option syntax for this command alone: errors, or `{ warning }`. */
  check?: (cmd: ParsedCommand, ctx: CheckContext) => CheckMessage[];
}

interface OptExtra {
  choices?: string[];
  required?: boolean;
  since?: string;
  deprecated?: string;
  removed?: string;
  url?: boolean;
  secret?: boolean;
  nonEmpty?: boolean;
}

/** Compact option constructor for the tables: opt('--size', 'int', { since: 'F23' }). */
export function opt(names: string | string[], type: OptionType, extra: OptExtra = {}): OptionSpec {
  return {
    names: Array.isArray(names) ? names : [names],
    type,
    choices: extra.choices,
    required: extra.required,
    since: extra.since ? at(extra.since) : undefined,
    deprecated: extra.deprecated ? at(extra.deprecated) : undefined,
    removed: extra.removed ? at(extra.removed) : undefined,
    url: extra.url,
    secret: extra.secret,
    nonEmpty: extra.nonEmpty ?? extra.url,
  };
}

export const flag = (names: string | string[], extra: OptExtra = {}) => opt(names, 'flag', extra);
export const str = (names: string | string[], extra: OptExtra = {}) => opt(names, 'string', extra);
export const int = (names: string | string[], extra: OptExtra = {}) => opt(names, 'int', extra);
export const choice = (names: string | string[], choices: string[], extra: OptExtra = {}) => opt(names, 'choice', { ...extra, choices });

interface CmdExtra extends Omit<CommandSpec, 'names' | 'options' | 'since' | 'deprecated' | 'removed'> {
  since?: string;
  deprecated?: string;
  removed?: string;
}

/** Compact command constructor: cmd(['part', 'partition'], [...options], { multiple: true }). */
export function cmd(names: string | string[], options: OptionSpec[], extra: CmdExtra = {}): CommandSpec {
  const { since, deprecated, removed, ...rest } = extra;
  return {
    names: Array.isArray(names) ? names : [names],
    options,
    ...rest,
    since: since ? at(since) : undefined,
    deprecated: deprecated ? at(deprecated) : undefined,
    removed: removed ? at(removed) : undefined,
  };
}

/** Helpers for checks. */
export function has(c: ParsedCommand, name: string): boolean {
  return c.options.has(name);
}

export function value(c: ParsedCommand, name: string): string | undefined {
  const v = c.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** "Only one of --a, --b" / "one of --a, --b is required" checks, as pykickstart words them. */
export function exclusive(c: ParsedCommand, names: string[], required: boolean): string[] {
  const used = names.filter((n) => c.options.has(n));
  if (used.length > 1) return [`${c.name}: only one of ${used.join(', ')} may be given`];
  if (required && used.length === 0) return [`${c.name}: one of ${names.join(', ')} is required`];
  return [];
}
