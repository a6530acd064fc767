/**
 * Reading and editing a kickstart document: find commands and their options, set, replace or
 * remove commands and options, append sections, rewrite every URL. Edits mark only the touched
 * nodes for re-rendering; every other line keeps its original text.
 */
import type { CommandNode, KickstartDocument, KsNode, Loc, SectionNode } from './document.js';
import { parseKickstart } from './parse.js';
import { scanArgs } from './scan.js';
import { commandOptions, lookupCommand } from './syntax/index.js';
import type { CommandSpec } from './syntax/types.js';
import { quoteWord } from './tokenize.js';

/** Where generated nodes say they come from. */
export const GENERATED: Loc = { file: '<kiln>', line: 0 };

/** All spellings of a command (part ↔ partition, auth ↔ authconfig). */
function spellings(name: string): string[] {
  return lookupCommand(name)?.names ?? [name];
}

export function findCommands(doc: KickstartDocument, name: string): CommandNode[] {
  const names = spellings(name);
  return doc.nodes.filter((n): n is CommandNode => n.kind === 'command' && names.includes(n.name));
}

/** The command that counts when a single command is given more than once: the last one. */
export function getCommand(doc: KickstartDocument, name: string): CommandNode | undefined {
  return findCommands(doc, name).at(-1);
}

interface Span {
  /** Canonical option name (first spelling in the table), or as written when unknown. */
  name: string;
  value: string | true;
  index: number;
  /** 1 for `--opt` / `--opt=value`, 2 for `--opt value`. */
  count: number;
}

/** The options and positional words of a command line, read as pykickstart reads them (scan.ts). */
function optionSpans(node: CommandNode): { spans: Span[]; positionals: number[] } {
  const spec: CommandSpec | undefined = lookupCommand(node.name);
  if (!spec || spec.freeform) return { spans: [], positionals: node.args.map((_, i) => i) };
  const spans: Span[] = [];
  const positionals: number[] = [];
  for (const item of scanArgs(node.args, commandOptions(node.name))) {
    switch (item.kind) {
      case 'positional':
        positionals.push(item.index);
        break;
      case 'option':
        spans.push({ name: item.option.names[0]!, value: item.value, index: item.index, count: item.count });
        break;
      case 'missing-value':
        spans.push({ name: item.option.names[0]!, value: true, index: item.index, count: 1 });
        break;
      default: {
        const w = item.written;
        const eq = w.indexOf('=');
        spans.push({ name: eq >= 0 ? w.slice(0, eq) : w, value: eq >= 0 ? w.slice(eq + 1) : true, index: item.index, count: 1 });
      }
    }
  }
  return { spans, positionals };
}

function canonical(node: CommandNode, option: string): string {
  return commandOptions(node.name).find((o) => o.names.includes(option))?.names[0] ?? option;
}

/** An option's value (true for a flag), or undefined when absent. The last occurrence counts. */
export function getOption(node: CommandNode, option: string): string | true | undefined {
  const name = canonical(node, option);
  return optionSpans(node).spans.filter((s) => s.name === name).at(-1)?.value;
}

/** The positional arguments (mount point, password, time zone …). */
export function getPositionals(node: CommandNode): string[] {
  return optionSpans(node).positionals.map((i) => node.args[i]!);
}

function touch(node: CommandNode): void {
  node.raw = undefined;
}

export function removeOption(node: CommandNode, option: string): boolean {
  const name = canonical(node, option);
  const spans = optionSpans(node).spans.filter((s) => s.name === name);
  for (const s of [...spans].reverse()) node.args.splice(s.index, s.count);
  if (spans.length) touch(node);
  return spans.length > 0;
}

/** Sets an option: replaces its value where it stands (all spellings collapse to one), or appends it. */
export function setOption(node: CommandNode, option: string, value: string | true): void {
  const name = canonical(node, option);
  const spans = optionSpans(node).spans.filter((s) => s.name === name);
  const word = value === true ? option : `${option}=${value}`;
  if (!spans.length) node.args.push(word);
  else {
    for (const s of spans.slice(1).reverse()) node.args.splice(s.index, s.count);
    node.args.splice(spans[0]!.index, spans[0]!.count, word);
  }
  touch(node);
}

function insertionIndex(doc: KickstartDocument): number {
  let last = -1;
  doc.nodes.forEach((n, i) => {
    if (n.kind === 'command') last = i;
  });
  if (last >= 0) return last + 1;
  const firstSection = doc.nodes.findIndex((n) => n.kind === 'section');
  return firstSection >= 0 ? firstSection : doc.nodes.length;
}

/** Adds a command after the last command (or before the first section). */
export function addCommand(doc: KickstartDocument, name: string, args: string[] = [], loc: Loc = GENERATED): CommandNode {
  const node: CommandNode = { kind: 'command', name, args: [...args], loc };
  doc.nodes.splice(insertionIndex(doc), 0, node);
  return node;
}

/**
 * Makes `name` appear exactly once with these arguments: the first occurrence (any spelling in
 * `alsoReplace` too) is rewritten in place, keeping its trailing comment; the others are removed.
 */
export function setCommand(doc: KickstartDocument, name: string, args: string[] = [], alsoReplace: string[] = []): CommandNode {
  const names = [...spellings(name), ...alsoReplace.flatMap(spellings)];
  const existing = doc.nodes.filter((n): n is CommandNode => n.kind === 'command' && names.includes(n.name));
  if (!existing.length) return addCommand(doc, name, args);
  const [first, ...rest] = existing;
  first!.name = name;
  first!.args = [...args];
  touch(first!);
  doc.nodes = doc.nodes.filter((n) => !rest.includes(n as CommandNode));
  return first!;
}

/** Removes every command with any of these names; returns how many were removed. */
export function removeCommands(doc: KickstartDocument, names: string | string[]): number {
  const all = (Array.isArray(names) ? names : [names]).flatMap(spellings);
  const before = doc.nodes.length;
  doc.nodes = doc.nodes.filter((n) => !(n.kind === 'command' && all.includes(n.name)));
  return before - doc.nodes.length;
}

export function findSections(doc: KickstartDocument, name: string): SectionNode[] {
  return doc.nodes.filter((n): n is SectionNode => n.kind === 'section' && n.name === name);
}

/** Appends a section (with a blank line before it) and returns it. */
export function appendSection(doc: KickstartDocument, name: string, args: string[], body: string | string[], loc: Loc = GENERATED): SectionNode {
  const lines = typeof body === 'string' ? body.replace(/\n$/, '').split('\n') : body;
  const section: SectionNode = { kind: 'section', name, args: [...args], body: lines.map((text) => ({ text, loc })), end: '%end', loc };
  if (doc.nodes.length && doc.nodes.at(-1)!.kind !== 'blank') doc.nodes.push({ kind: 'blank', raw: '', loc });
  doc.nodes.push(section);
  return section;
}

/** Appends sections given as kickstart text ("%post …\n…\n%end"); throws if the text is not only sections. */
export function appendSectionText(doc: KickstartDocument, text: string, file = GENERATED.file): SectionNode[] {
  const parsed = parseKickstart(text, file);
  const problems = parsed.diagnostics.filter((d) => d.severity === 'error');
  const stray = parsed.doc.nodes.find((n) => n.kind === 'command' || n.kind === 'include');
  if (problems.length || stray) {
    throw new Error(`not a kickstart section: ${problems[0]?.message ?? `unexpected ${stray!.kind} on line ${stray!.loc.line}`}`);
  }
  const sections = parsed.doc.nodes.filter((n): n is SectionNode => n.kind === 'section');
  for (const s of sections) {
    if (doc.nodes.length && doc.nodes.at(-1)!.kind !== 'blank') doc.nodes.push({ kind: 'blank', raw: '', loc: s.loc });
    doc.nodes.push(s);
  }
  return sections;
}

export interface UrlSite {
  /** 'url', 'repo', 'liveimg', '%include' … */
  command: string;
  /** '--url', '--baseurl' …, or undefined for positional URLs and %include targets. */
  option?: string;
  loc: Loc;
}

/**
 * Rewrites every URL the kickstart names (url, repo, liveimg, ostreesetup, updates, driverdisk,
 * rhsm, and http(s) %include targets) through fn, in place. Returns how many changed.
 */
export function mapUrls(doc: KickstartDocument, fn: (url: string, site: UrlSite) => string): number {
  let changed = 0;
  doc.nodes.forEach((node: KsNode) => {
    if (node.kind === 'include' && /^https?:\/\//i.test(node.target)) {
      const next = fn(node.target, { command: node.directive, loc: node.loc });
      if (next !== node.target) {
        node.target = next;
        node.raw = `${node.directive} ${quoteWord(next)}`;
        changed++;
      }
      return;
    }
    if (node.kind !== 'command') return;
    const spec = lookupCommand(node.name);
    if (!spec) return;
    const urlOptions = new Set(commandOptions(node.name).filter((o) => o.url).map((o) => o.names[0]!));
    const { spans, positionals } = optionSpans(node);
    for (const s of spans) {
      if (!urlOptions.has(s.name) || s.value === true) continue;
      const next = fn(s.value, { command: node.name, option: s.name, loc: node.loc });
      if (next === s.value) continue;
      const at = s.count === 2 ? s.index + 1 : s.index;
      node.args[at] = s.count === 2 ? next : `${node.args[s.index]!.slice(0, node.args[s.index]!.indexOf('=') + 1)}${next}`;
      touch(node);
      changed++;
    }
    for (const idx of spec.urlArgs ?? []) {
      const at = positionals[idx];
      if (at === undefined) continue;
      const next = fn(node.args[at]!, { command: node.name, loc: node.loc });
      if (next !== node.args[at]) {
        node.args[at] = next;
        touch(node);
        changed++;
      }
    }
  });
  return changed;
}
