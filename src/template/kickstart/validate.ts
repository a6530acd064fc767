/**
 * Validates a (flattened) kickstart document for one syntax version, as pykickstart does when
 * Anaconda reads it: unknown, removed and deprecated commands, options and their values, section
 * headers and bodies, then the checks across commands (conflicts.ts) and what an unattended
 * install needs (unattended.ts). Findings are bounded: after `limit` of them validation stops
 * and says how much it did not check.
 */
import { availabilityMessage, parseArgs } from './args.js';
import { checkConflicts, type SeenCommand } from './conflicts.js';
import type { CommandNode, KickstartDocument, SectionNode } from './document.js';
import { didYouMean, MAX_DIAGNOSTICS, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { checkSection } from './sections.js';
import { ALL_COMMANDS, commandFamily, lookupCommand, specAvailable } from './syntax/index.js';
import type { ParsedCommand } from './syntax/types.js';
import { checkUnattended } from './unattended.js';
import type { SyntaxVersion } from './versions.js';

export interface ValidationResult {
  diagnostics: Diagnostic[];
  /** The commands that parsed, in document order (for callers that read settings). */
  commands: ParsedCommand[];
}

export interface ValidateOptions {
  /** Stop after this many findings (default MAX_DIAGNOSTICS) and report how much was left unchecked. */
  limit?: number;
  /**
   * The kickstart is the whole of an unattended install (`kiln build`): what Anaconda would stop
   * for is an error, not a warning. `rootPasswordGiven`: kiln adds the root password itself.
   */
  unattended?: { rootPasswordGiven?: boolean };
}

export function availableCommandNames(v: SyntaxVersion): string[] {
  return [...new Set(ALL_COMMANDS.filter((s) => specAvailable(s, v)).flatMap((s) => s.names))];
}

function validateCommand(node: CommandNode, v: SyntaxVersion, out: Diagnostic[], seen: SeenCommand[]): ParsedCommand | undefined {
  const at = (severity: Diagnostic['severity'], message: string) => out.push({ severity, file: node.loc.file, line: node.loc.line, message });
  const spec = lookupCommand(node.name, v);
  if (!spec) {
    at('error', `unknown command ${node.name}${didYouMean(node.name, availableCommandNames(v))}`);
    return undefined;
  }
  const avail = availabilityMessage(node.name, 'the command', spec, v);
  if (avail?.severity === 'error') {
    at('error', avail.message);
    return undefined;
  }
  seen.push({ spec, file: node.loc.file, line: node.loc.line, name: node.name });
  if (avail) {
    // pykickstart ignores a deprecated command's arguments and only warns.
    at('warning', avail.message);
    return undefined;
  }
  const { parsed, messages } = parseArgs(node.name, node.args, spec, v, node.loc, commandFamily(node.name));
  for (const m of messages) at(m.severity, m.message);
  if (messages.some((m) => m.severity === 'error')) return parsed;
  for (const m of spec.check?.(parsed, { version: v }) ?? []) {
    if (typeof m === 'string') at('error', m);
    else at('warning', m.warning);
  }
  return parsed;
}

/** The syntax a kickstart declares in a `#version=F19` comment (as pykickstart writes), if any. */
export function declaredSyntax(doc: KickstartDocument): string | undefined {
  for (const n of doc.nodes) {
    if (n.kind !== 'comment') continue;
    const m = /^\s*#\s*version\s*=\s*(\S+)/i.exec(n.raw);
    if (m) return m[1];
  }
  return undefined;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** Validates every node; include nodes left in the document are skipped (flatten reports them). */
export function validateKickstart(doc: KickstartDocument, version: SyntaxVersion, options: ValidateOptions = {}): ValidationResult {
  const limit = options.limit ?? MAX_DIAGNOSTICS;
  const diagnostics: Diagnostic[] = [];
  const commands: ParsedCommand[] = [];
  const sections: SectionNode[] = [];
  const seen: SeenCommand[] = [];
  const nodes = doc.nodes.filter((n) => n.kind === 'command' || n.kind === 'section');
  let checked = 0;
  for (const node of nodes) {
    if (diagnostics.length >= limit) break;
    checked++;
    if (node.kind === 'command') {
      const parsed = validateCommand(node, version, diagnostics, seen);
      if (parsed) commands.push(parsed);
    } else if (node.kind === 'section') {
      sections.push(node);
      checkSection(node, version, diagnostics);
    }
  }
  // Checks across the whole document mean nothing when part of it was not read or not checked.
  if (checked === nodes.length && !doc.truncated) {
    const unresolved = doc.nodes.some((n) => n.kind === 'include');
    diagnostics.push(...checkConflicts({ commands, sections, seen, version, unresolved }));
    const rootPasswordGiven = options.unattended?.rootPasswordGiven;
    diagnostics.push(...checkUnattended({ commands, sections, version, unresolved, file: doc.file, rootPasswordGiven }, options.unattended !== undefined));
  }
  const sorted = sortDiagnostics(diagnostics);
  if (sorted.length <= limit && checked === nodes.length) return { diagnostics: sorted, commands };
  const shown = sorted.slice(0, limit);
  const left = nodes.length - checked;
  const last = nodes[checked - 1] ?? nodes[0];
  const more = sorted.length - shown.length;
  const parts = [more ? `${plural(more, 'more finding')} not shown` : '', left ? `${left.toLocaleString('en-US')} more commands and sections not checked` : ''].filter(Boolean);
  shown.push({
    severity: shown.some((d) => d.severity === 'error') ? 'error' : 'warning',
    file: last?.loc.file ?? doc.file,
    line: last?.loc.line ?? 0,
    message: `validation stopped after ${plural(limit, 'finding')}: ${parts.join('; ')}`,
  });
  return { diagnostics: shown, commands };
}

