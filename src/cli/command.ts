/**
 * The shape of a CLI command: flags as data, an action that returns a result. Commands never
 * print; src/cli/main.ts renders results, events (through a reporter) and errors.
 */
import type { Emit } from '../core/events.js';

export interface CommandContext {
  emit: Emit;
  /** Fires on Ctrl-C / SIGTERM. Long work must stop and clean up when it does. */
  signal: AbortSignal;
  /** --json was given: results are rendered as JSON. */
  json: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (commands may pick a table layout). */
  isTTY: boolean;
}

export interface CommandResult {
  /** Printed on stdout in human mode. */
  text?: string;
  /** Printed on stdout as one JSON line in --json mode (a result event). */
  json?: unknown;
  /** Exit status when the command ends without throwing (default 0). */
  exitCode?: number;
}

export interface OptionSpec {
  /** Commander flags, e.g. '--disk-size <size>' or '--keep-failed'. */
  flags: string;
  description: string;
  /** Shown in --help; never filled in by the parser (the command or pipeline applies it). */
  default?: string | boolean | string[];
  /** The value may be given several times (collected into an array). */
  repeatable?: boolean;
  /** Allowed values, checked by commander. */
  choices?: string[];
}

/**
 * A command. `O` is the command's typed flags (commander's camelCase keys); `defineCommand`
 * erases it for the command table, which is the one place commander's untyped values meet the
 * typed interface (commander has already checked required values and choices).
 */
export interface CommandSpec<O extends object = Record<string, unknown>> {
  name: string;
  summary: string;
  /** Commander argument syntax: '<id>', '[file]', '<files...>'. */
  args?: string[];
  options?: OptionSpec[];
  /** Shown under --help. */
  examples?: string[];
  /** Extra text under --help (e.g. why encrypted snapshots send every block). */
  helpText?: string;
  subcommands?: CommandSpec[];
  action?: (args: string[], options: O, ctx: CommandContext) => Promise<CommandResult>;
}

/** Declares a command with typed flags (see CommandSpec). */
export function defineCommand<O extends object>(spec: CommandSpec<O>): CommandSpec {
  return spec as unknown as CommandSpec;
}
