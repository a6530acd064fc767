/**
 * Checks a Debian installer preseed file as debconf-set-selections reads it: one setting per
 * logical line (a trailing backslash joins the next line), `owner question type [value]`, a
 * known debconf type, booleans true or false.
 */
import type { Diagnostic } from './kickstart/diagnostics.js';

const TYPES = ['string', 'boolean', 'select', 'multiselect', 'note', 'password', 'text', 'error', 'title', 'seen'];

export function validatePreseed(text: string, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let logical = lines[i]!;
    while (logical.endsWith('\\') && i + 1 < lines.length) logical = logical.slice(0, -1) + lines[++i]!;
    const t = logical.trim();
    if (t === '' || t.startsWith('#')) continue;
    const err = (message: string) => out.push({ severity: 'error', file, line: start, message });
    if (t.includes('{{')) err(`unrendered template text: ${t}`);
    const m = /^(\S+)\s+(\S+)\s+(\S+)(?:\s(.*))?$/.exec(t);
    if (!m) {
      err(`expected 'owner question type [value]', got '${t}'`);
      continue;
    }
    const [, owner, question, type, value = ''] = m;
    if (!/^[a-z0-9][a-z0-9.+-]*$/.test(owner!)) err(`'${owner}' is not a package name (the owner of the question)`);
    if (!question!.includes('/')) err(`'${question}' is not a debconf question (owner/name)`);
    if (!TYPES.includes(type!)) err(`unknown debconf type '${type}' (expected ${TYPES.join(', ')})`);
    if (type === 'boolean' && !['true', 'false'].includes(value.trim())) err(`${question}: a boolean must be true or false, not '${value.trim()}'`);
  }
  return out;
}
