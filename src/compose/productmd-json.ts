/**
 * Compose metadata as productmd writes it (json.dump with sort_keys, indent 4, ", "/": "
 * separators, non-ASCII escaped, no final newline), so kiln's files read the same as Pungi's and
 * a productmd load-and-dump gives back the same bytes.
 */

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function productmdJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
