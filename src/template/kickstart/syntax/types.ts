/**
 * The shape of kiln's kickstart command tables: each command and option is data (names, value
 * type, when it appeared, was deprecated, was removed), read from pykickstart's handlers
 * (pykickstart/commands/*.py, pykickstart/handlers/*.py). The validator interprets the tables;
 * the few rules that are not option syntax live in each command's `check`.
 */
import { at, reached, type SyntaxVersion, type Threshold } from '../versions.js';

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
  /** Choices compared without regard to case (pykickstart maps the value through a lower-cased table). */
  caseInsensitive?: boolean;
  required?: boolean;
  since?: Threshold;
  deprecated?: Threshold;
  removed?: Threshold;
  /** The value is a URL (rewritten by mapUrls). */
  url?: boolean;
  /** The value is a secret (replaced in redacted renderings). */
  secret?: boolean;
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
  version: SyntaxVersion;
}

/** How many positional arguments a command takes, and what to call them in messages. */
export interface ArgsSpec {
  min: number;
  max: number;
  what: string;
}

export interface CommandSpec {
  /** The spellings: ['part', 'partition']. Each name is a command of its own in pykickstart's map. */
  names: string[];
  options: OptionSpec[];
  /** Positional arguments: how many, and what to call them in messages (per version when it changed). */
  args?: ArgsSpec | ((v: SyntaxVersion) => ArgsSpec);
  /**
   * Commands that may not come before this one (pykickstart's conflictingCommands, checked when
   * this command is read), per version.
   */
  conflicts?: (v: SyntaxVersion) => string[];
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
  /** Said after "unknown option …" when pykickstart would misread the word rather than reject it. */
  unknownOptionNote?: string;
  /** Semantic rules beyond option syntax for this command alone: errors, or `{ warning }`. */
  check?: (cmd: ParsedCommand, ctx: CheckContext) => CheckMessage[];
}

interface OptExtra {
  choices?: string[];
  caseInsensitive?: boolean;
  required?: boolean;
  since?: string;
  deprecated?: string;
  removed?: string;
  url?: boolean;
  secret?: boolean;
}

/** Compact option constructor for the tables: opt('--size', 'int', { since: 'F23' }). */
export function opt(names: string | string[], type: OptionType, extra: OptExtra = {}): OptionSpec {
  return {
    names: Array.isArray(names) ? names : [names],
    type,
    choices: extra.choices,
    caseInsensitive: extra.caseInsensitive,
    required: extra.required,
    since: extra.since ? at(extra.since) : undefined,
    deprecated: extra.deprecated ? at(extra.deprecated) : undefined,
    removed: extra.removed ? at(extra.removed) : undefined,
    url: extra.url,
    secret: extra.secret,
  };
}

export const flag = (names: string | string[], extra: OptExtra = {}) => opt(names, 'flag', extra);
export const str = (names: string | string[], extra: OptExtra = {}) => opt(names, 'string', extra);
export const int = (names: string | string[], extra: OptExtra = {}) => opt(names, 'int', extra);
export const bool = (names: string | string[], extra: OptExtra = {}) => opt(names, 'bool', extra);
export const choice = (names: string | string[], choices: string[], extra: OptExtra = {}) => opt(names, 'choice', { ...extra, choices });
/** Choices matched without regard to case (pykickstart looks the value up in a lower-cased table). */
export const ichoice = (names: string | string[], choices: string[], extra: OptExtra = {}) => opt(names, 'choice', { ...extra, choices, caseInsensitive: true });

/** Whether version v has reached a threshold written as in the tables ('F23/RHEL7'). */
export function since(spec: string, v: SyntaxVersion): boolean {
  return reached(at(spec), v);
}

const NO_ARGS: ArgsSpec = { min: 0, max: 0, what: 'arguments' };

/** The positional arguments a command takes in version v. */
export function argsOf(spec: CommandSpec, v: SyntaxVersion): ArgsSpec {
  const a = spec.args ?? NO_ARGS;
  return typeof a === 'function' ? a(v) : a;
}

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

/** Whether an option was given with a value pykickstart counts as set (not absent, not empty). */
export function given(c: ParsedCommand, name: string): boolean {
  const v = c.options.get(name);
  return v !== undefined && v !== '';
}

/** "Only one of --a, --b" / "one of --a, --b is required" checks, as pykickstart words them. */
export function exclusive(c: ParsedCommand, names: string[], required: boolean): string[] {
  const used = names.filter((n) => given(c, n));
  if (used.length > 1) return [`${c.name}: only one of ${used.join(', ')} may be given`];
  if (required && used.length === 0) return [`${c.name}: one of ${names.join(', ')} is required`];
  return [];
}
