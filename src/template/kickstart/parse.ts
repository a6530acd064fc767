/**
 * Kickstart text → document model, following pykickstart's parser state machine: commands one
 * per line, sections from a %header to %end, %include anywhere. Only structure is checked here
 * (quoting, unknown sections); commands and sections are checked by validate.ts.
 */
import type { BodyLine, KickstartDocument, KsNode, SectionNode } from './document.js';
import type { Diagnostic } from './diagnostics.js';
import { didYouMean, MAX_DIAGNOSTICS } from './diagnostics.js';
import { scanArgs } from './scan.js';
import { commandOptions, lookupCommand, SECTION_NAMES } from './syntax/index.js';
import type { OptionSpec } from './syntax/types.js';
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

/** Option lists by command name, for the check of lines no version accepts (built on first use). */
const OPTIONS = new Map<string, OptionSpec[]>();

/**
 * Whether no syntax version accepts this command line: an unknown command, or an option the
 * command never had. Counting these lets parsing stop early on a file of garbage.
 */
function wrongEverywhere(head: string, rest: string[]): boolean {
  const spec = lookupCommand(head);
  if (!spec) return true;
  if (spec.freeform || !rest.some((w) => w.startsWith('--'))) return false;
  let options = OPTIONS.get(head);
  if (!options) OPTIONS.set(head, (options = commandOptions(head)));
  return scanArgs(rest, options).some((item) => item.kind === 'unknown' || item.kind === 'ambiguous');
}

/**
 * `limit`: after this many lines that no syntax version accepts (unknown commands and sections,
 * options a command never had, unclosed quotes …), reading stops and the document is marked
 * truncated: a file of garbage costs neither minutes nor gigabytes.
 */
/**
 * The lines of a text (split at \n, a \r before it dropped, as before), read one at a time so that
 * a huge file is never split into one array.
 */
class Lines {
  private pos = 0;
  /** Lines read so far: the 1-based number of the line last read. */
  count = 0;
  private readonly end: number;

  constructor(private readonly text: string) {
    // A final line ending closes the last line; it does not start an empty one.
    this.end = /\r?\n$/.test(text) ? text.length : text.length + 1;
  }

  peek(): string | undefined {
    if (this.pos >= this.end) return undefined;
    const nl = this.text.indexOf('\n', this.pos);
    const stop = nl < 0 ? this.text.length : nl;
    const line = this.text.slice(this.pos, stop);
    return nl >= 0 && line.endsWith('\r') ? line.slice(0, -1) : line;
  }

  next(): string | undefined {
    const line = this.peek();
    if (line === undefined) return undefined;
    const nl = this.text.indexOf('\n', this.pos);
    this.pos = nl < 0 ? this.text.length + 1 : nl + 1;
    this.count++;
    return line;
  }

  /** How many lines are left (counted, not split). */
  remaining(): number {
    let n = 0;
    for (let at = this.pos; at < this.end; n++) {
      const nl = this.text.indexOf('\n', at);
      at = nl < 0 ? this.text.length + 1 : nl + 1;
    }
    return n;
  }
}

/**
 * `limit`: after this many lines that no syntax version accepts (unknown commands and sections,
 * options a command never had, unclosed quotes …), reading stops and the document is marked
 * truncated: a file of garbage costs neither minutes nor gigabytes.
 */
export function parseKickstart(text: string, file: string, limit = MAX_DIAGNOSTICS): ParseResult {
  const diagnostics: Diagnostic[] = [];
  let wrong = 0;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const finalNewline = /\r?\n$/.test(text);
  const lines = new Lines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const nodes: KsNode[] = [];
  const err = (line: number, message: string) => diagnostics.push({ severity: 'error', file, line, message });
  const warn = (line: number, message: string) => diagnostics.push({ severity: 'warning', file, line, message });

  let truncated = false;
  for (let raw = lines.next(); raw !== undefined; raw = lines.next()) {
    if (wrong >= limit) {
      const left = lines.remaining() + 1;
      err(lines.count, `stopped reading after ${limit} lines that no syntax version accepts: the remaining ${left.toLocaleString('en-US')} line${left === 1 ? ' was' : 's were'} not read`);
      truncated = true;
      break;
    }
    const lineNo = lines.count;
    const loc = { file, line: lineNo };
    if (isBlank(raw)) {
      nodes.push({ kind: 'blank', raw, loc });
      continue;
    }
    if (isComment(raw)) {
      nodes.push({ kind: 'comment', raw, loc });
      continue;
    }
    const tok = tokenize(raw);
    if (tok.error) {
      err(lineNo, tok.error);
      wrong++;
    }
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
        wrong++;
        nodes.push({ kind: 'comment', raw, loc });
        continue;
      }
      if (!SECTION_NAMES.includes(head)) {
        err(lineNo, `unknown section ${head}${didYouMean(head, SECTION_NAMES)}`);
        wrong++;
      }
      const section: SectionNode = { kind: 'section', name: head, args: rest, header: raw, body: [], end: null, loc };
      readSection(lines, file, section);
      nodes.push(section);
      continue;
    }
    if (!tok.error && wrongEverywhere(head, rest)) wrong++;
    nodes.push({ kind: 'command', name: head, args: rest, raw, comment: tok.comment, loc });
  }
  return { doc: { file, nodes, eol, finalNewline, ...(truncated ? { truncated } : {}) }, diagnostics };
}

/**
 * Reads a section body up to and including its %end. A section that meets the next section's
 * header (left unread) or the end of the file without %end is left open (`end: null`,
 * `openUntil` says where it stopped): that is an error from F8 on, and how sections ended before
 * F8, so validate.ts decides.
 */
function readSection(lines: Lines, file: string, section: SectionNode): void {
  const body: BodyLine[] = section.body;
  for (let text = lines.peek(); text !== undefined; text = lines.peek()) {
    const word = text.trimStart().startsWith('%') ? firstWord(text) : '';
    if (word && word !== '%end' && SECTION_NAMES.includes(word)) {
      section.openUntil = { line: lines.count + 1, next: word };
      return;
    }
    lines.next();
    if (word === '%end') {
      section.end = text;
      return;
    }
    body.push({ text, loc: { file, line: lines.count } });
  }
  section.openUntil = { line: lines.count + 1 };
}
