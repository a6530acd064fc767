/**
 * The document model of a kickstart: every line of the file in order (commands, sections,
 * %include lines, comments, blank lines), each with where it came from. Untouched nodes render
 * back to their original text byte for byte; edited nodes are rendered from their words.
 */
import { quoteWord } from './tokenize.js';

export interface Loc {
  file: string;
  line: number;
}

export interface BlankNode {
  kind: 'blank';
  raw: string;
  loc: Loc;
}

export interface CommentNode {
  kind: 'comment';
  raw: string;
  loc: Loc;
}

export interface CommandNode {
  kind: 'command';
  /** The command word as written ('part', 'partition', 'rootpw'). */
  name: string;
  /** The words after the command name, unquoted. */
  args: string[];
  /** The original line; cleared when the command is edited so it is rendered from name/args. */
  raw?: string;
  /** A trailing comment ("  # keep this") re-appended when an edited command is rendered. */
  comment?: string;
  loc: Loc;
}

/** `%include target` or `%ksappend url`: replaced by the target's content when flattened. */
export interface IncludeNode {
  kind: 'include';
  directive: '%include' | '%ksappend';
  target: string;
  raw: string;
  loc: Loc;
}

export interface BodyLine {
  text: string;
  loc: Loc;
}

export interface SectionNode {
  kind: 'section';
  /** '%post', '%packages', '%addon' … */
  name: string;
  /** Header words after the section name (options, or the add-on name). */
  args: string[];
  /** The original header line; cleared when the header is edited. */
  header?: string;
  body: BodyLine[];
  /** The original %end line, or null when the section was not closed. */
  end: string | null;
  /** For a section without %end: the line where the next section starts (or past the end of the file). */
  openUntil?: { line: number; next?: string };
  loc: Loc;
}

export type KsNode = BlankNode | CommentNode | CommandNode | IncludeNode | SectionNode;

export interface KickstartDocument {
  /** Where the text came from (display path or URL); locations of included nodes say their own. */
  file: string;
  nodes: KsNode[];
  /** The line ending the file used; rendering keeps it. */
  eol: '\n' | '\r\n';
  /** Whether the text ended with a line ending. */
  finalNewline: boolean;
  /** Reading stopped early (too many lines no version accepts): the rest of the file is missing. */
  truncated?: boolean;
}

/** Words back to a line; `--opt=value` quotes only the value (`--append="a b"`), as people write it. */
export function renderWords(words: string[]): string {
  return words
    .map((w) => {
      const m = /^(--[A-Za-z0-9][\w-]*=)(.*)$/s.exec(w);
      return m ? m[1] + quoteWord(m[2]!) : quoteWord(w);
    })
    .join(' ');
}

export function renderNode(node: KsNode): string[] {
  switch (node.kind) {
    case 'blank':
    case 'comment':
    case 'include':
      return [node.raw];
    case 'command':
      return [node.raw ?? `${renderWords([node.name, ...node.args])}${node.comment ?? ''}`];
    case 'section': {
      const lines = [node.header ?? renderWords([node.name, ...node.args])];
      for (const b of node.body) lines.push(b.text);
      if (node.end !== null) lines.push(node.end);
      return lines;
    }
  }
}

/** The kickstart text of a document. */
export function renderKickstart(doc: KickstartDocument): string {
  const lines = doc.nodes.flatMap(renderNode);
  const text = lines.join(doc.eol);
  return doc.finalNewline && lines.length ? text + doc.eol : text;
}

/** A deep copy, so edits never touch the caller's document. */
export function cloneDocument(doc: KickstartDocument): KickstartDocument {
  return structuredClone(doc);
}

export function emptyDocument(file: string): KickstartDocument {
  return { file, nodes: [], eol: '\n', finalNewline: true };
}
