/**
 * Splits a command's words into options and positional arguments the way pykickstart's
 * KSOptionParser (Python's argparse, `allow_abbrev` on) classifies them, so validation, editing
 * and redaction all read a line alike:
 * - `--opt=value` or `--opt value`; a long option may be abbreviated to any unambiguous prefix
 *   (`--disable` for `--disabled`, `--timeo=5`), an ambiguous one is an error;
 * - a word is a value, not an option, when it does not start with '-', is a negative number,
 *   is '-' alone, or contains a space (`--mkfsoptions "-m bigtime=0,inobtcount=0"`);
 * - an option taking a value swallows the next word only if that word is a value;
 *   an optional-value option (nargs='?') swallows it when it is one;
 * - after `--` every word is positional.
 * Hand-written because it must reproduce argparse's rules, which no npm parser follows.
 */
import type { OptionSpec } from './syntax/types.js';

export type ScanItem =
  | { kind: 'option'; option: OptionSpec; written: string; value: string | true; index: number; count: number; explicit: boolean }
  /** An option that takes a value but got none (end of line, or the next word is an option). */
  | { kind: 'missing-value'; option: OptionSpec; written: string; index: number }
  | { kind: 'positional'; value: string; index: number }
  /** Looks like an option but matches none (argparse's "unrecognized arguments"). */
  | { kind: 'unknown'; written: string; index: number }
  | { kind: 'ambiguous'; written: string; matches: string[]; index: number };

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

type Classified = { kind: 'value' } | { kind: 'option'; option: OptionSpec; name: string; explicit?: string } | { kind: 'unknown' } | { kind: 'ambiguous'; matches: string[] };

/** argparse's _parse_optional: is this word an option, and which? */
export function classify(word: string, options: OptionSpec[]): Classified {
  if (!word.startsWith('-')) return { kind: 'value' };
  const exact = options.find((o) => o.names.includes(word));
  if (exact) return { kind: 'option', option: exact, name: word };
  if (word.length === 1) return { kind: 'value' };
  const eq = word.indexOf('=');
  if (eq >= 0) {
    const name = word.slice(0, eq);
    const o = options.find((x) => x.names.includes(name));
    if (o) return { kind: 'option', option: o, name, explicit: word.slice(eq + 1) };
  }
  if (word.startsWith('--')) {
    const prefix = eq >= 0 ? word.slice(0, eq) : word;
    const matches = options.flatMap((o) => o.names.filter((n) => n.startsWith(prefix)).map((n) => ({ o, n })));
    if (matches.length > 1) return { kind: 'ambiguous', matches: matches.map((m) => m.n) };
    if (matches.length === 1) return { kind: 'option', option: matches[0]!.o, name: matches[0]!.n, explicit: eq >= 0 ? word.slice(eq + 1) : undefined };
  }
  if (NEGATIVE_NUMBER.test(word)) return { kind: 'value' };
  if (word.includes(' ')) return { kind: 'value' };
  return { kind: 'unknown' };
}

export function scanArgs(words: string[], options: OptionSpec[]): ScanItem[] {
  const items: ScanItem[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (onlyPositionals) {
      items.push({ kind: 'positional', value: w, index: i });
      continue;
    }
    if (w === '--') {
      // argparse drops '--' only when positional words follow it; a trailing one is left over.
      if (i === words.length - 1) items.push({ kind: 'unknown', written: w, index: i });
      onlyPositionals = true;
      continue;
    }
    const c = classify(w, options);
    if (c.kind === 'value') {
      items.push({ kind: 'positional', value: w, index: i });
      continue;
    }
    if (c.kind === 'unknown') {
      items.push({ kind: 'unknown', written: w, index: i });
      continue;
    }
    if (c.kind === 'ambiguous') {
      items.push({ kind: 'ambiguous', written: w, matches: c.matches, index: i });
      continue;
    }
    const { option, name } = c;
    if (c.explicit !== undefined) {
      items.push({ kind: 'option', option, written: name, value: c.explicit, index: i, count: 1, explicit: true });
      continue;
    }
    if (option.type === 'flag') {
      items.push({ kind: 'option', option, written: name, value: true, index: i, count: 1, explicit: false });
      continue;
    }
    const next = words[i + 1];
    const nextIsValue = next !== undefined && !onlyPositionals && next !== '--' && classify(next, options).kind === 'value';
    if (nextIsValue) {
      items.push({ kind: 'option', option, written: name, value: next, index: i, count: 2, explicit: false });
      i++;
    } else if (option.type === 'optional') {
      items.push({ kind: 'option', option, written: name, value: true, index: i, count: 1, explicit: false });
    } else {
      items.push({ kind: 'missing-value', option, written: name, index: i });
    }
  }
  return items;
}
