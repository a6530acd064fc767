/**
 * Splits one kickstart line into words exactly as pykickstart does: Python's
 * `shlex.split(line, comments=True)` in POSIX mode. Hand-written because no npm shell-word
 * splitter reproduces shlex's corner cases (a '#' inside an unquoted word starts a comment,
 * backslashes inside double quotes only escape '"' and '\', no variable expansion).
 *
 * Kickstart has no line continuation: pykickstart reads one command per line, so a trailing
 * backslash escapes the newline and leaves a stray argument. We report that as an error instead
 * of guessing, and the same for an unclosed quote (shlex raises "No closing quotation").
 */

export interface TokenizeResult {
  words: string[];
  /** Text from the first unquoted '#' (with leading whitespace), kept so edits can re-append it. */
  comment?: string;
  /** Set when shlex would fail or produce a stray word. */
  error?: string;
  /** Set when a '#' glued to a word silently cut it (e.g. a password containing '#'). */
  warning?: string;
}

const WHITESPACE = ' \t\r\n\f\v';

/** A line with none of shlex's special characters splits at whitespace alone. */
const PLAIN = /^[^'"\\#]*$/;

export function tokenize(line: string, comments = true): TokenizeResult {
  if (PLAIN.test(line)) {
    const trimmed = line.trim();
    return { words: trimmed === '' ? [] : trimmed.split(/[ \t\r\n\f\v]+/) };
  }
  const words: string[] = [];
  let word = '';
  let inWord = false; // shlex keeps an empty quoted word ('' or "") as a word
  let quote: '"' | "'" | null = null;
  let i = 0;
  const result: TokenizeResult = { words };
  while (i < line.length) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
      i++;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
        word += line[i + 1];
        i++;
      } else word += ch;
      i++;
      continue;
    }
    if (WHITESPACE.includes(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    if (comments && ch === '#') {
      if (inWord) {
        // The word is not quoted back: it may be a password (`rootpw --plaintext abc#123`).
        result.warning = `a '#' right after a word (column ${i + 1}) starts a comment and cuts the word there; quote the value if '#' belongs to it`;
        words.push(word);
        word = '';
        inWord = false;
      }
      let start = i;
      while (start > 0 && (line[start - 1] === ' ' || line[start - 1] === '\t')) start--;
      result.comment = line.slice(start);
      return result;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
      i++;
      continue;
    }
    if (ch === '\\') {
      if (i + 1 >= line.length) {
        result.error = "line ends with '\\': kickstart has no line continuation, put the whole command on one line";
        if (inWord) words.push(word);
        return result;
      }
      word += line[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    word += ch;
    inWord = true;
    i++;
  }
  if (quote) {
    result.error = `no closing quotation (${quote}) on this line`;
  }
  if (inWord) words.push(word);
  return result;
}

/** shlex treats only whitespace, quotes, backslash and '#' specially; everything else is literal. */
const SAFE = /^[^\s'"\\#]+$/;

/** Quotes a word so tokenize() gives it back unchanged (double quotes, escaping " and \). */
export function quoteWord(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
