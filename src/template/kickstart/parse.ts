/**
 * Kickstart text → document model, following pykickstart's parser state machine: commands one
 * per line, sections from a %header to %end, %include anywhere. Only structure is checked here
 * (quoting, unknown sections); commands and sections are checked by validate.ts.
 */
import type { BodyLine, KickstartDocument, KsNode, SectionNode } from './document.js';
import type { Diagnostic } from './diagnostics.js';
import { didYouMean } from './diagnostics.js';
import { SECTION_NAMES } from './syntax/index.js';
import { tokenize } from './tokenize.js';

export interface ParseResult {
  doc: KickstartDocument;
  diagnostics: Diagnostic[];
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function isComment(line: string): boolean {
  return line.trimStart().startsWith('#');
}

function firstWord(line: string): string {
  return line.trim().split(/\s+/)[0] ?? '';
}

export function parseKickstart(text: string, file: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const finalNewline = /\r?\n$/.test(text);
  const lines = text.split(/\r?\n/);
  if (finalNewline) lines.pop();
  if (lines.length && lines[0]!.charCodeAt(0) === 0xfeff) lines[0] = lines[0]!.slice(1);
  const nodes: KsNode[] = [];
  const err = (line: number, message: string) => diagnostics.push({ severity: 'error', file, line, message });
  const warn = (line: number, message: string) => diagnostics.push({ severity: 'warning', file, line, message });

  let i = 0;
  while (i < lines.length) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const loc = { file, line: lineNo };
    i++;
    if (isBlank(raw)) {
      nodes.push({ kind: 'blank', raw, loc });
      continue;
    }
    if (isComment(raw)) {
      nodes.push({ kind: 'comment', raw, loc });
      continue;
    }
    const tok = tokenize(raw);
    if (tok.error) err(lineNo, tok.error);
    if (tok.warning) warn(lineNo, tok.warning);
    const [head, ...rest] = tok.words;
    if (head === undefined) {
      nodes.push({ kind: 'comment', raw, loc });
      continue;
    }
    if (head === '%include' || head === '%ksappend') {
      if (!rest[0]) err(lineNo, `${head}: a file name or URL is required`);
      nodes.push({ kind: 'include', directive: head, target: rest[0] ?? '', raw, loc });
      continue;
    }
    if (head.startsWith('%')) {
      if (head === '%end') {
        err(lineNo, '%end without a section to close');
        nodes.push({ kind: 'comment', raw, loc });
        continue;
      }
      if (!SECTION_NAMES.includes(head)) err(lineNo, `unknown section ${head}${didYouMean(head, SECTION_NAMES)}`);
      const section: SectionNode = { kind: 'section', name: head, args: rest, header: raw, body: [], end: null, loc };
      i = readSection(lines, i, file, section);
      nodes.push(section);
      continue;
    }
    nodes.push({ kind: 'command', name: head, args: rest, raw, comment: tok.comment, loc });
  }
  return { doc: { file, nodes, eol, finalNewline }, diagnostics };
}

/**
 * Reads a section body from line index `start`; returns the index after the section. A section
 * that meets the next section's header or the end of the file without %end is left open
 * (`end: null`, `openUntil` says where it stopped): that is an error from F8 on, and how
 * sections ended before F8, so validate.ts decides.
 */
function readSection(lines: string[], start: number, file: string, section: SectionNode): number {
  const body: BodyLine[] = section.body;
  let i = start;
  while (i < lines.length) {
    const text = lines[i]!;
    const word = text.trimStart().startsWith('%') ? firstWord(text) : '';
    if (word === '%end') {
      section.end = text;
      return i + 1;
    }
    if (word && SECTION_NAMES.includes(word)) {
      section.openUntil = { line: i + 1, next: word };
      return i;
    }
    body.push({ text, loc: { file, line: i + 1 } });
    i++;
  }
  section.openUntil = { line: i + 1 };
  return i;
}
