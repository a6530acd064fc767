/**
 * Validates a (flattened) kickstart document for one syntax version, as pykickstart and
 * Anaconda would: unknown, removed and deprecated commands, options and their values, section
 * headers, %packages lines, then the checks across commands (conflicts.ts).
 */
import { availabilityMessage, parseArgs } from './args.js';
import { checkConflicts } from './conflicts.js';
import type { CommandNode, KickstartDocument, SectionNode } from './document.js';
import { didYouMean, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { ALL_COMMANDS, lookupCommand, lookupSection, sectionAsCommand } from './syntax/index.js';
import type { CommandSpec, ParsedCommand } from './syntax/types.js';
import { tokenize } from './tokenize.js';
import { reached, type SyntaxVersion } from './versions.js';

export interface ValidationResult {
  diagnostics: Diagnostic[];
  /** The commands that parsed, in document order (for callers that read settings). */
  commands: ParsedCommand[];
}

/** Whether a command exists in this version (introduced and not removed). */
function commandAvailable(spec: CommandSpec, v: SyntaxVersion): boolean {
  return (!spec.since || reached(spec.since, v)) && !reached(spec.removed, v);
}

export function availableCommandNames(v: SyntaxVersion): string[] {
  return ALL_COMMANDS.filter((s) => commandAvailable(s, v)).flatMap((s) => s.names);
}

function validateCommand(node: CommandNode, v: SyntaxVersion, out: Diagnostic[]): ParsedCommand | undefined {
  const at = (severity: Diagnostic['severity'], message: string) => out.push({ severity, file: node.loc.file, line: node.loc.line, message });
  const spec = lookupCommand(node.name);
  if (!spec) {
    at('error', `unknown command ${node.name}${didYouMean(node.name, availableCommandNames(v))}`);
    return undefined;
  }
  const avail = availabilityMessage(node.name, 'the command', spec, v);
  if (avail) {
    at(avail.severity, avail.message);
    // pykickstart ignores a deprecated command's arguments; a missing or removed one stops here.
    if (avail.severity === 'error' || (spec.deprecated && reached(spec.deprecated, v))) return undefined;
  }
  const { parsed, messages } = parseArgs(node.name, node.args, spec, v, node.loc);
  for (const m of messages) at(m.severity, m.message);
  if (messages.some((m) => m.severity === 'error')) return parsed;
  for (const m of spec.check?.(parsed, { version: v }) ?? []) {
    if (typeof m === 'string') at('error', m);
    else at('warning', m.warning);
  }
  return parsed;
}

function validatePackagesBody(section: SectionNode, out: Diagnostic[]): void {
  for (const line of section.body) {
    const t = line.text.trim();
    if (t === '' || t.startsWith('#')) continue;
    const err = (message: string) => out.push({ severity: 'error', file: line.loc.file, line: line.loc.line, message });
    if (t.startsWith('%')) {
      if (!t.startsWith('%include')) err(`%packages: '${t}' is not a package, group or %include`);
      continue;
    }
    const words = t.split(/\s+/);
    const isGroup = /^-?@/.test(words[0]!);
    const flags = words.filter((w) => w.startsWith('--'));
    if (flags.length && !isGroup) err(`%packages: options like ${flags[0]} apply only to @groups`);
    if (flags.includes('--nodefaults') && flags.includes('--optional')) err('%packages: a group cannot take both --nodefaults and --optional');
    for (const f of flags) if (!['--nodefaults', '--optional'].includes(f)) err(`%packages: unknown group option ${f}${didYouMean(f, ['--nodefaults', '--optional'])}`);
    if (t === '@' || t === '-' || t === '@^') err(`%packages: '${t}' names nothing`);
  }
}

function validateSection(section: SectionNode, v: SyntaxVersion, out: Diagnostic[]): void {
  const spec = lookupSection(section.name);
  if (!spec) return; // reported by the parser
  const headerWords = section.header !== undefined ? tokenize(section.header).words.slice(1) : section.args;
  const { parsed, messages } = parseArgs(section.name, headerWords, sectionAsCommand(spec), v, section.loc);
  for (const m of messages) out.push({ severity: m.severity, file: section.loc.file, line: section.loc.line, message: m.message });
  if (spec.kind === 'packages') validatePackagesBody(section, out);
  if (spec.kind === 'script') {
    const interp = parsed.options.get('--interpreter');
    if (typeof interp === 'string' && !interp.startsWith('/')) {
      out.push({ severity: 'warning', file: section.loc.file, line: section.loc.line, message: `${section.name}: --interpreter should be an absolute path, not '${interp}'` });
    }
  }
  if (spec.kind === 'opaque' && section.name === '%addon' && headerWords.length === 0) {
    out.push({ severity: 'error', file: section.loc.file, line: section.loc.line, message: '%addon: the add-on name is required (e.g. %addon com_redhat_kdump)' });
  }
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

/** Validates every node; include nodes left in the document are skipped (flatten reports them). */
export function validateKickstart(doc: KickstartDocument, version: SyntaxVersion): ValidationResult {
  const diagnostics: Diagnostic[] = [];
  const commands: ParsedCommand[] = [];
  const sections: SectionNode[] = [];
  for (const node of doc.nodes) {
    if (node.kind === 'command') {
      const parsed = validateCommand(node, version, diagnostics);
      if (parsed) commands.push(parsed);
    } else if (node.kind === 'section') {
      sections.push(node);
      validateSection(node, version, diagnostics);
    }
  }
  diagnostics.push(...checkConflicts({ commands, sections }));
  return { diagnostics: sortDiagnostics(diagnostics), commands };
}

