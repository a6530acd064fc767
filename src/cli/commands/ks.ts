/**
 * `kiln ks validate FILE [--syntax F19]`: checks a kickstart as Anaconda's pykickstart would and
 * lists errors and warnings with file:line (exit 1 on an error).
 * `kiln ks flatten FILE`: the kickstart with every %include resolved, as one file, on stdout.
 */
import type { CommandContext, CommandSpec } from '../command.js';
import { KilnError } from '../../core/errors.js';
import { warn } from '../../core/events.js';
import {
  declaredSyntax,
  errorsOf,
  formatDiagnostic,
  locateDiagnostic,
  loadKickstartFile,
  NEWEST_FEDORA,
  renderKickstart,
  resolveSyntaxVersion,
  sortDiagnostics,
  SYNTAX_RANGE,
  validateKickstart,
  warningsOf,
  type Diagnostic,
  type SyntaxVersion,
} from '../../template/index.js';

function pickVersion(flag: unknown, declared: string | undefined, notes: string[]): SyntaxVersion {
  const chosen = typeof flag === 'string' ? flag : declared;
  if (!chosen) {
    notes.push(`no --syntax given and no '#version=' line; validating as ${NEWEST_FEDORA.name}`);
    return NEWEST_FEDORA;
  }
  const resolved = resolveSyntaxVersion(chosen);
  if (resolved.warning) notes.push(resolved.warning);
  return resolved.version;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function validate(args: string[], options: Record<string, unknown>, ctx: CommandContext) {
  const file = args[0]!;
  const loaded = await loadKickstartFile(file, { cwd: ctx.cwd });
  const notes: string[] = [];
  const version = pickVersion(options.syntax, declaredSyntax(loaded.doc), notes);
  const diagnostics: Diagnostic[] = sortDiagnostics([...loaded.diagnostics, ...validateKickstart(loaded.flat, version).diagnostics]);
  const errors = errorsOf(diagnostics).length;
  const warnings = warningsOf(diagnostics).length;
  const summary = `${file}: ${errors ? 'invalid' : 'valid'} for ${version.name} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
  return {
    text: [...notes.map((n) => `note: ${n}`), ...diagnostics.map(formatDiagnostic), summary].join('\n'),
    json: { file, syntax: version.name, valid: errors === 0, errors, warnings, notes, diagnostics },
    exitCode: errors ? 1 : 0,
  };
}

async function flatten(args: string[], _options: Record<string, unknown>, ctx: CommandContext) {
  const file = args[0]!;
  const loaded = await loadKickstartFile(file, { cwd: ctx.cwd });
  const errors = errorsOf(loaded.diagnostics);
  if (errors.length) {
    throw new KilnError('KS_INVALID', `${errors[0]!.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`, {
      fault: 'user',
      source: { file: errors[0]!.file, line: errors[0]!.line },
      details: sortDiagnostics(loaded.diagnostics).map(formatDiagnostic),
    });
  }
  for (const w of warningsOf(loaded.diagnostics)) warn(ctx.emit, locateDiagnostic(w), 'KS_WARNING');
  const text = renderKickstart(loaded.flat);
  return { text, json: { file, text } };
}

export const ksCommand: CommandSpec = {
  name: 'ks',
  summary: 'check and flatten kickstart files',
  subcommands: [
    {
      name: 'validate',
      summary: "check a kickstart as Anaconda would: errors and warnings with file:line, exit 1 on an error",
      args: ['<file>'],
      options: [{ flags: '--syntax <version>', description: `kickstart syntax: ${SYNTAX_RANGE}, as pykickstart names them (default: the file's '#version=' line, else the newest Fedora)` }],
      examples: ['kiln ks validate cloud.ks --syntax F19', 'kiln ks validate server.ks --syntax RHEL7 --json'],
      action: validate,
    },
    {
      name: 'flatten',
      summary: 'print the kickstart with every %include resolved, as one file',
      args: ['<file>'],
      examples: ['kiln ks flatten cloud.ks > flat.ks'],
      action: flatten,
    },
  ],
};
