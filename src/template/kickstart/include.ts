/**
 * Loading kickstarts and resolving %include / %ksappend into one document (ksflatten's job).
 * Relative paths resolve against the including file (or URL); http(s) targets are fetched with
 * Node's fetch; a file that includes itself through any chain is an include loop. Included nodes
 * keep their own file and line, so diagnostics point into the file that has the problem.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { KilnError } from '../../core/errors.js';
import type { BodyLine, IncludeNode, KickstartDocument, KsNode } from './document.js';
import type { Diagnostic } from './diagnostics.js';
import { hasPreScript, installerSideReason, isInstallerPath, isInstallerSideInclude } from './installer-side.js';
import { parseKickstart } from './parse.js';

export interface LoadOptions {
  /** Paths in diagnostics are shown relative to this directory. */
  cwd: string;
  /** Injected for tests that need a different fetch; defaults to Node's. */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout for http(s) includes (default 30 s). */
  timeoutMs?: number;
}

export interface LoadedKickstart {
  /** The top file as written, %include lines and all. */
  doc: KickstartDocument;
  /** Every %include resolved in place (unresolvable ones are left as they are and reported). */
  flat: KickstartDocument;
  diagnostics: Diagnostic[];
}

interface Origin {
  /** Absolute path or URL: the identity used for loop detection. */
  id: string;
  isUrl: boolean;
}

const URL_RE = /^https?:\/\//i;
/** A URL without its credentials (user:password@), for messages. */
function withoutCredentials(url: string): string {
  return url.replace(/^(https?:\/\/)[^/@\s]+@/i, '$1');
}

/** A path relative to cwd when under it; a URL without its credentials. */
function display(id: string, cwd: string): string {
  if (URL_RE.test(id)) return withoutCredentials(id);
  const rel = relative(cwd, id);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : id;
}

function resolveTarget(target: string, from: Origin): Origin {
  if (URL_RE.test(target)) return { id: target, isUrl: true };
  if (isAbsolute(target)) return { id: target, isUrl: false };
  if (from.isUrl) return { id: new URL(target, from.id).href, isUrl: true };
  return { id: resolve(dirname(from.id), target), isUrl: false };
}

async function readSource(origin: Origin, opts: LoadOptions): Promise<string> {
  if (!origin.isUrl) return readFile(origin.id, 'utf8');
  const response = await (opts.fetch ?? fetch)(origin.id, { signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  return response.text();
}

class Flattener {
  readonly diagnostics: Diagnostic[] = [];
  /** An included file was not read to its end (too many lines no version accepts). */
  truncated = false;
  constructor(
    private readonly opts: LoadOptions,
    private readonly hasPre: boolean,
  ) {}

  private report(severity: Diagnostic['severity'], at: { file: string; line: number }, message: string): void {
    this.diagnostics.push({ severity, file: at.file, line: at.line, message });
  }

  private leftToInstaller(node: { target: string; directive: string; loc: { file: string; line: number } }): undefined {
    this.report('warning', node.loc, `${node.directive} ${node.target}: read by the installer at install time (${installerSideReason(node.target)}); left unresolved, its commands are not checked`);
    return undefined;
  }

  /** Reads and parses an include target; undefined when it cannot be had (reported). */
  private async load(node: { target: string; directive: string; loc: { file: string; line: number } }, from: Origin, stack: string[]): Promise<{ origin: Origin; text: string; file: string } | undefined> {
    const origin = resolveTarget(node.target, from);
    const file = display(origin.id, this.opts.cwd);
    if (stack.includes(origin.id)) {
      const chain = [...stack.slice(stack.indexOf(origin.id)), origin.id].map((s) => display(s, this.opts.cwd));
      this.report('error', node.loc, `${node.directive}: include loop ${chain.join(' → ')}`);
      return undefined;
    }
    // The installer's /tmp, /run … are not this host's: a file of the same name here is another file.
    if (!origin.isUrl && isInstallerPath(node.target)) return this.leftToInstaller(node);
    try {
      return { origin, text: await readSource(origin, this.opts), file };
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      if (!origin.isUrl && (error as NodeJS.ErrnoException).code === 'ENOENT' && isInstallerSideInclude(node.target, this.hasPre)) {
        return this.leftToInstaller(node);
      } else {
        this.report('error', node.loc, `${node.directive} ${withoutCredentials(node.target)}: cannot read ${file}: ${why}`);
      }
      return undefined;
    }
  }

  async expandNodes(nodes: KsNode[], from: Origin, stack: string[]): Promise<KsNode[]> {
    const out: KsNode[] = [];
    for (const node of nodes) {
      if (node.kind === 'include') {
        out.push(...(await this.expandInclude(node, from, stack)));
      } else if (node.kind === 'section') {
        out.push({ ...node, body: await this.expandBody(node.body, from, stack) });
      } else {
        // Shared with the parsed document, not copied: whoever edits a document clones it first.
        out.push(node);
      }
    }
    return out;
  }

  private async expandInclude(node: IncludeNode, from: Origin, stack: string[]): Promise<KsNode[]> {
    if (!node.target) return [node];
    const got = await this.load(node, from, stack);
    if (!got) return [node];
    const parsed = parseKickstart(got.text, got.file);
    this.diagnostics.push(...parsed.diagnostics);
    if (parsed.doc.truncated) this.truncated = true;
    return this.expandNodes(parsed.doc.nodes, got.origin, [...stack, got.origin.id]);
  }

  /** %include inside a section splices the target's lines into the section body (as pykickstart reads them). */
  private async expandBody(body: BodyLine[], from: Origin, stack: string[]): Promise<BodyLine[]> {
    const out: BodyLine[] = [];
    for (const line of body) {
      const m = /^\s*(%include|%ksappend)\s+(\S+)/.exec(line.text);
      if (!m) {
        out.push(line);
        continue;
      }
      const got = await this.load({ target: m[2]!, directive: m[1]!, loc: line.loc }, from, stack);
      if (!got) {
        out.push(line);
        continue;
      }
      const lines = got.text.split(/\r?\n/);
      if (lines[lines.length - 1] === '') lines.pop();
      const included = lines.map((text, i) => ({ text, loc: { file: got.file, line: i + 1 } }));
      out.push(...(await this.expandBody(included, got.origin, [...stack, got.origin.id])));
    }
    return out;
  }
}

/** Flattens a parsed document whose top file is `originId` (absolute path or URL). */
export async function flattenDocument(doc: KickstartDocument, originId: string, opts: LoadOptions): Promise<{ flat: KickstartDocument; diagnostics: Diagnostic[] }> {
  const origin: Origin = { id: originId, isUrl: URL_RE.test(originId) };
  const f = new Flattener(opts, hasPreScript(doc));
  const nodes = await f.expandNodes(doc.nodes, origin, [originId]);
  const truncated = doc.truncated || f.truncated;
  return { flat: { ...doc, nodes, ...(truncated ? { truncated } : {}) }, diagnostics: f.diagnostics };
}

/** Loads kickstart text that came from `originId` (a path for relative includes, or a URL). */
export async function loadKickstartText(text: string, originId: string, opts: LoadOptions): Promise<LoadedKickstart> {
  const parsed = parseKickstart(text, display(originId, opts.cwd));
  const { flat, diagnostics } = await flattenDocument(parsed.doc, originId, opts);
  return { doc: parsed.doc, flat, diagnostics: [...parsed.diagnostics, ...diagnostics] };
}

/** Reads a kickstart file (or http(s) URL) and resolves its includes. */
export async function loadKickstartFile(path: string, opts: LoadOptions): Promise<LoadedKickstart> {
  const origin: Origin = URL_RE.test(path) ? { id: path, isUrl: true } : { id: resolve(opts.cwd, path), isUrl: false };
  let text: string;
  try {
    text = await readSource(origin, opts);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KilnError('KS_READ', `cannot read kickstart ${withoutCredentials(path)}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
      fault: 'user',
      cause: error,
      source: { file: path },
    });
  }
  return loadKickstartText(text, origin.id, opts);
}
