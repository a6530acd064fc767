/** Findings about a kickstart (or TDL) with file and line, and the "did you mean" helper. */
import type { OptionSpec } from './syntax/types.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  file: string;
  line: number;
  message: string;
}

/** At most this many findings are listed; then validation stops and says how much it left out. */
export const MAX_DIAGNOSTICS = 100;

/**
 * `cloud.ks:12: part: unknown option --sise (did you mean --size?)`; warnings say so. Line 0 is
 * about the whole file (`cloud.ks: warning: …`).
 */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}${d.line > 0 ? `:${d.line}` : ''}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}

/**
 * The same without the severity word, for a warning sent as a warn event: the reporters say
 * "warning:" themselves (`cloud.ks:12: upgrade: the command is deprecated…`).
 */
export function locateDiagnostic(d: Diagnostic): string {
  return `${d.file}${d.line > 0 ? `:${d.line}` : ''}: ${d.message}`;
}

export function errorsOf(list: Diagnostic[]): Diagnostic[] {
  return list.filter((d) => d.severity === 'error');
}

export function warningsOf(list: Diagnostic[]): Diagnostic[] {
  return list.filter((d) => d.severity === 'warning');
}

/**
 * Sorts by file order of appearance, then line, keeping errors and warnings interleaved; what is
 * about a whole file (line 0) comes after its lines.
 */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const fileOrder = new Map<string, number>();
  for (const d of list) if (!fileOrder.has(d.file)) fileOrder.set(d.file, fileOrder.size);
  const line = (d: Diagnostic) => (d.line > 0 ? d.line : Infinity);
  return [...list].sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || line(a) - line(b) || 0);
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a small edit distance, for "did you mean …?". */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const limit = Math.max(2, Math.ceil(word.length / 3));
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestScore || (d === bestScore && best !== undefined && c < best)) {
      best = c;
      bestScore = d;
    }
  }
  if (bestScore <= limit) return best;
  // A truncated name ('liveimg' for 'liveimg_url') is far in edits but obvious to a reader.
  if (word.length < 3) return undefined;
  return [...candidates].filter((c) => c.toLowerCase().startsWith(word.toLowerCase())).sort((a, b) => a.length - b.length)[0];
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s ? ` (did you mean ${s}?)` : '';
}

/**
 * A value as it may appear in a message, quoted: a secret (password, passphrase, key) is never
 * shown, and the credentials of a URL (http://user:password@host/) are dropped.
 */
export function shown(o: Pick<OptionSpec, 'secret'> | undefined, value: string): string {
  if (o?.secret) return '(hidden)';
  return `'${value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1')}'`;
}
