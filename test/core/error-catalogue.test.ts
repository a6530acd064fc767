/**
 * The error catalogue is complete and alive: every code the sources raise is in it (a scan of the
 * sources, beside the compiler's check of KilnError's parameter), every entry is raised somewhere,
 * and a KilnError takes its fault, exit status and hint from it unless the raiser says otherwise.
 */
import { describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ERROR_CATALOGUE, isErrorCode } from '../../src/core/error-catalogue.js';
import { KilnError, toKilnError } from '../../src/core/errors.js';
import { PROJECT_ROOT } from '../../src/core/version.js';

const CATALOGUE_FILES = ['src/core/error-codes.ts', 'src/core/error-codes-appliance.ts', 'src/core/error-codes-publish.ts'];

async function sources(dir: string): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  for (const entry of await readdir(join(PROJECT_ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ file: relative(PROJECT_ROOT, path), text: await readFile(path, 'utf8') });
  }
  return out;
}

const all = async () => (await Promise.all(['src', 'hypervisor', 'scripts', 'test'].map(sources))).flat();

describe('the error catalogue', () => {
  it('holds every code a KilnError is raised with in the sources', async () => {
    const raised = new Map<string, string>();
    for (const { file, text } of await all()) {
      for (const m of text.matchAll(/new KilnError\(\s*['"`]([^'"`]+)['"`]/g)) raised.set(m[1]!, file);
    }
    expect(raised.size).toBeGreaterThan(80);
    const missing = [...raised].filter(([code]) => !isErrorCode(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it('has no entry that nothing raises', async () => {
    const raisers = (await all()).filter((s) => !CATALOGUE_FILES.includes(s.file) && (s.file.startsWith('src/') || s.file.startsWith('scripts/')));
    const text = raisers.map((s) => s.text).join('\n');
    const dead = Object.keys(ERROR_CATALOGUE).filter((code) => !text.includes(`'${code}'`));
    expect(dead).toEqual([]);
  });

  it('gives every code a hint, a fault, and usage errors only to faults of the user', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(spec.hint.length, code).toBeGreaterThan(20);
      expect(['user', 'kiln', 'external']).toContain(spec.fault);
      if ('usage' in spec) expect(spec.fault, code).toBe('user');
    }
  });

  it('is where a KilnError takes its fault, exit status and hint from, unless the raiser says otherwise', () => {
    const usage = new KilnError('TEMPLATE_UNKNOWN', 'unknown guest template x');
    expect([usage.fault, usage.usage, usage.exitCode, usage.hint]).toEqual(['user', true, 2, ERROR_CATALOGUE.TEMPLATE_UNKNOWN.hint]);
    const outside = new KilnError('KOJI_UNREACHABLE', 'no hub');
    expect([outside.fault, outside.exitCode]).toEqual(['external', 1]);
    const precise = new KilnError('KOJI_UNREACHABLE', 'no hub', { hint: 'Start the hub.', fault: 'user' });
    expect([precise.fault, precise.hint]).toEqual(['user', 'Start the hub.']);
    const bug = toKilnError(new TypeError('x is undefined'));
    expect([bug.code, bug.fault, bug.exitCode, bug.hint]).toEqual(['INTERNAL', 'kiln', 1, ERROR_CATALOGUE.INTERNAL.hint]);
  });
});
