/**
 * Builds the commander program from command specs (flags as data). Kept apart from main.ts so
 * tests can run commands in-process with their own streams.
 */
import { Command, CommanderError, Option } from 'commander';
import { KilnError, usageError } from '../core/errors.js';
import { KILN_VERSION } from '../core/version.js';
import type { CommandContext, CommandResult, CommandSpec } from './command.js';

export interface Invocation {
  spec: CommandSpec;
  args: string[];
  options: Record<string, unknown>;
}

function collectRepeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function addCommand(parent: Command, spec: CommandSpec, found: { invocation?: Invocation }): void {
  const cmd = parent.command(spec.name).description(spec.summary);
  // A command that runs itself and has subcommands (`kiln images`, `kiln images rm`): its options
  // are read before the subcommand only, so `kiln images rm ID --store S` gives --store to rm.
  if (spec.action && spec.subcommands?.length) cmd.enablePositionalOptions();
  for (const a of spec.args ?? []) cmd.argument(a);
  for (const o of spec.options ?? []) {
    // A default is shown in the help but never filled in: an option the user did not give stays
    // undefined, so an input file (a TDL's arch, a drop spec) can supply it and the request
    // builder or the pipeline applies the default only where nothing else said anything.
    const described = o.default === undefined ? o.description : `${o.description} (default: ${String(o.default)})`;
    const opt = new Option(o.flags, described);
    if (o.choices) opt.choices(o.choices);
    if (o.repeatable) opt.argParser(collectRepeatable);
    cmd.addOption(opt);
  }
  cmd.option('--json', 'print one JSON event per line and a JSON result');
  cmd.option('-v, --verbose', 'show debug messages and every installer line');
  const help: string[] = [];
  if (spec.helpText) help.push('', spec.helpText);
  if (spec.examples?.length) help.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  if (help.length) cmd.addHelpText('after', help.join('\n'));
  for (const sub of spec.subcommands ?? []) addCommand(cmd, sub, found);
  if (spec.action) {
    cmd.action((...params: unknown[]) => {
      const command = params[params.length - 1] as Command;
      const args: string[] = [];
      for (const a of command.processedArgs as unknown[]) {
        if (Array.isArray(a)) args.push(...a.map(String));
        else if (a !== undefined) args.push(String(a));
      }
      found.invocation = { spec, args, options: command.opts() };
    });
  } else if (spec.subcommands?.length) {
    cmd.action(() => {
      throw usageError(`'kiln ${spec.name}' needs a subcommand: ${spec.subcommands!.map((s) => s.name).join(', ')}`);
    });
  }
}

/** Parses argv into the command to run. Throws KilnError (usage) for bad input; help/version return null. */
export function parseArgv(commands: CommandSpec[], argv: string[], write: (s: string) => void): Invocation | null {
  const program = new Command('kiln')
    .description('VM-isolated OS image builder')
    .version(KILN_VERSION, '--version')
    // Each command's options belong to it (see addCommand: `kiln images rm ID --store S`), and
    // `kiln --version` only before a command: `kiln koji import --version 19` is the command's own flag.
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: write, outputError: () => {} });
  const found: { invocation?: Invocation } = {};
  for (const spec of commands) addCommand(program, spec, found);
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return null;
      throw usageError(error.message.replace(/^error: /, ''), "Run 'kiln --help' or 'kiln <command> --help'.");
    }
    throw error;
  }
  if (!found.invocation) {
    if (argv.length === 0) {
      write(program.helpInformation());
      return null;
    }
    throw usageError('no command given', "Run 'kiln --help'.");
  }
  return found.invocation;
}

export async function runInvocation(invocation: Invocation, ctx: CommandContext): Promise<CommandResult> {
  if (!invocation.spec.action) throw new KilnError('INTERNAL', `command ${invocation.spec.name} has no action`, { fault: 'kiln' });
  return invocation.spec.action(invocation.args, invocation.options, ctx);
}
