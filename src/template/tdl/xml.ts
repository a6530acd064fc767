/**
 * XML text → a small element tree (name, attributes, text, children, line) with fast-xml-parser.
 *
 * Line numbers: fast-xml-parser has no line option, but with `captureMetaData` it records each
 * element's start offset in the source (the index of its '<'). We turn offsets into lines with a
 * table of line-start offsets built by one scan of the source, so comments, CDATA and entities
 * before an element cannot shift its line the way a hand-written tag scanner could.
 * Well-formedness errors come from fast-xml-parser's validator, which reports line and column.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  /** Concatenated text and CDATA directly inside the element (entities decoded). */
  text: string;
  children: XmlElement[];
  line: number;
}

export type XmlResult = { root: XmlElement } | { error: { message: string; line: number } };

/** Offsets where each line starts; line(offset) is a binary search in it. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

export function parseXml(text: string): XmlResult {
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) return { error: { message: valid.err.msg, line: valid.err.line } };
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    cdataPropName: '#cdata',
    captureMetaData: true,
  });
  const meta = XMLParser.getMetaDataSymbol() as unknown as string;
  const lineOf = lineIndex(text);
  const build = (node: OrderedNode): XmlElement | undefined => {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name.startsWith('#') || name.startsWith('?')) return undefined;
    const el: XmlElement = { name, attrs: { ...(node[':@'] ?? {}) }, text: '', children: [], line: lineOf((node[meta] as { startIndex?: number } | undefined)?.startIndex ?? 0) };
    for (const child of (node[name] as OrderedNode[]) ?? []) {
      if ('#text' in child) el.text += String(child['#text']);
      else if ('#cdata' in child) el.text += ((child['#cdata'] as Array<{ '#text': string }>) ?? []).map((c) => c['#text']).join('');
      else {
        const c = build(child);
        if (c) el.children.push(c);
      }
    }
    return el;
  };
  const roots = (parser.parse(text) as OrderedNode[]).map(build).filter((e): e is XmlElement => e !== undefined);
  if (roots.length !== 1) return { error: { message: `expected one root element, found ${roots.length}`, line: 1 } };
  return { root: roots[0]! };
}
