/**
 * Reading a YAML document (parsed by the `yaml` package) into typed values while collecting every
 * problem with the line it is on. Nothing here throws for bad input: each reader returns undefined
 * and records why, so one pass reports all the mistakes in a file.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLMap } from 'yaml';
import { didYouMean } from '../template/kickstart/diagnostics.js';

export interface Problem {
  line: number;
  message: string;
}

export class YamlReader {
  readonly problems: Problem[] = [];

  constructor(
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** 1-based line of a source offset. */
  lineAt(offset: number): number {
    return Math.max(1, this.lines.linePos(offset).line);
  }

  /** 1-based line where `node` starts (line 1 when it has no position). */
  lineOf(node: Node | null | undefined): number {
    return node?.range ? this.lineAt(node.range[0]) : 1;
  }

  problem(at: Node | null | undefined | number, message: string): undefined {
    this.problems.push({ line: typeof at === 'number' ? at : this.lineOf(at), message });
    return undefined;
  }

  /** An alias (`*name`) is read as the node it refers to. */
  resolve(node: unknown): Node | null {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null | undefined) ?? null;
  }

  /**
   * The entries of a mapping by key. Keys not in `required`/`optional` are reported (with a
   * suggestion), as are missing required keys (at the mapping's first line).
   */
  map(node: Node | null, where: string, keys: { required?: readonly string[]; optional?: readonly string[] }): Map<string, Node | null> | undefined {
    if (!isMap(node)) return this.problem(node, `${where} must be a mapping (key: value)${describe(node)}`);
    const allowed = [...(keys.required ?? []), ...(keys.optional ?? [])];
    const out = new Map<string, Node | null>();
    for (const pair of (node as YAMLMap).items) {
      const keyNode = this.resolve(pair.key);
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined) {
        this.problem(keyNode, `${where}: keys must be plain names`);
        continue;
      }
      if (!allowed.includes(key)) {
        this.problem(keyNode, `${where}: unknown key '${key}'${didYouMean(key, allowed)}; allowed: ${allowed.join(', ')}`);
        continue;
      }
      out.set(key, this.resolve(pair.value));
    }
    for (const key of keys.required ?? []) {
      if (!out.has(key)) this.problem(node, `${where}: '${key}' is required`);
    }
    return out;
  }

  /** A non-empty scalar as text; numbers keep their source spelling (`19.10` stays "19.10"). */
  text(node: Node | null, where: string, check?: { pattern: RegExp; expect: string }): string | undefined {
    if (!isScalar(node) || node.value === null || node.value === undefined) {
      return this.problem(node, `${where} must be a string${describe(node)}`);
    }
    if (typeof node.value === 'boolean') return this.problem(node, `${where} must be a string, not ${String(node.value)}`);
    const value = typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
    if (value.trim() === '') return this.problem(node, `${where} must not be empty`);
    if (check && !check.pattern.test(value)) return this.problem(node, `${where} '${value}' is not ${check.expect}`);
    return value;
  }

  bool(node: Node | null, where: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    return this.problem(node, `${where} must be true or false${describe(node)}`);
  }

  /** A sequence of nodes; `nonEmpty` reports an empty one. */
  list(node: Node | null, where: string, nonEmpty = true): (Node | null)[] | undefined {
    if (!isSeq(node)) return this.problem(node, `${where} must be a list${describe(node)}`);
    const items = node.items.map((i) => this.resolve(i));
    if (nonEmpty && items.length === 0) return this.problem(node, `${where} must not be empty`);
    return items;
  }

  /** A sequence of strings, each reported on its own line when wrong; duplicates are reported. */
  textList(node: Node | null, where: string, nonEmpty = true): { value: string; node: Node | null }[] | undefined {
    const items = this.list(node, where, nonEmpty);
    if (!items) return undefined;
    const out: { value: string; node: Node | null }[] = [];
    for (const item of items) {
      const value = this.text(item, `${where} entry`);
      if (value === undefined) continue;
      if (out.some((o) => o.value === value)) this.problem(item, `${where}: '${value}' is listed twice`);
      else out.push({ value, node: item });
    }
    return out;
  }

  /** A mapping of names to scalar values (as text). */
  textMap(node: Node | null, where: string): { value: Record<string, string>; keys: Map<string, Node | null> } | undefined {
    if (!isMap(node)) return this.problem(node, `${where} must be a mapping (key: value)${describe(node)}`);
    const value: Record<string, string> = {};
    const keys = new Map<string, Node | null>();
    for (const pair of node.items) {
      const keyNode = this.resolve(pair.key);
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined || key === '') {
        this.problem(keyNode, `${where}: keys must be plain names`);
        continue;
      }
      const v = this.text(this.resolve(pair.value), `${where}.${key}`);
      if (v === undefined) continue;
      value[key] = v;
      keys.set(key, keyNode);
    }
    return { value, keys };
  }
}

function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return ' (it is empty)';
  if (isMap(node)) return ' (it is a mapping)';
  if (isSeq(node)) return ' (it is a list)';
  if (isScalar(node)) return ` (it is ${typeof node.value === 'string' ? `'${node.value}'` : String(node.value)})`;
  return '';
}
