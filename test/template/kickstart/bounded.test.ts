/**
 * Findings are bounded: a file of garbage stops being read after 100 lines no syntax version
 * accepts, and validation stops after 100 findings, each time saying how much was left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic, MAX_DIAGNOSTICS, sortDiagnostics } from '../../../src/template/kickstart/diagnostics.js';
import { loadKickstartFile } from '../../../src/template/kickstart/include.js';
import { parseKickstart } from '../../../src/template/kickstart/parse.js';
import { validateKickstart } from '../../../src/template/kickstart/validate.js';
import { resolveSyntaxVersion } from '../../../src/template/kickstart/versions.js';

let dir: string;
const LINE = 'frobnicate --everything=yes\n';
const LINES = Math.ceil((50 * 1024 * 1024) / LINE.length);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-bounded-'));
  const file = await open(join(dir, 'garbage.ks'), 'w');
  const chunk = LINE.repeat(8192);
  for (let written = 0; written < LINES; written += 8192) await file.write(written + 8192 <= LINES ? chunk : LINE.repeat(LINES - written));
  await file.close();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a 50 MB kickstart of bad lines', () => {
  it('stops after 100 findings and says how many lines it did not read', async () => {
    const loaded = await loadKickstartFile('garbage.ks', { cwd: dir });
    const result = validateKickstart(loaded.flat, resolveSyntaxVersion('F38').version);
    const all = sortDiagnostics([...loaded.diagnostics, ...result.diagnostics]).map(formatDiagnostic);
    expect(all).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(all.slice(0, 2)).toEqual(['garbage.ks:1: unknown command frobnicate', 'garbage.ks:2: unknown command frobnicate']);
    expect(all).toContain(`garbage.ks:101: stopped reading after 100 lines that no syntax version accepts: the remaining ${(LINES - 100).toLocaleString('en-US')} lines were not read`);
    // What is kept does not grow with the file: the lines after the stop were never made into nodes.
    expect(loaded.doc.nodes.length).toBe(100);
    expect(loaded.flat.truncated).toBe(true);
    // Nothing is claimed about the part that was not read (no "no storage", no conflicts).
    expect(all.filter((m) => m.includes('unattended'))).toEqual([]);
  });
});

describe('validation of lines wrong only in this version stops too', () => {
  it('after 100 findings, with the count of commands it did not check', () => {
    const text = 'liveimg --url=http://x/i.img\n'.repeat(5000);
    const parsed = parseKickstart(text, 'x.ks');
    const { diagnostics } = validateKickstart(parsed.doc, resolveSyntaxVersion('RHEL6').version);
    expect(diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(formatDiagnostic(diagnostics.at(-1)!)).toBe('x.ks:100: validation stopped after 100 findings: 4,900 more commands and sections not checked');
  });

  it('a file of warnings stops with a warning, not an error', () => {
    const text = 'upgrade\n'.repeat(500);
    const parsed = parseKickstart(text, 'x.ks');
    const { diagnostics } = validateKickstart(parsed.doc, resolveSyntaxVersion('F21').version);
    expect(diagnostics.every((d) => d.severity === 'warning')).toBe(true);
    expect(diagnostics.at(-1)!.message).toBe('validation stopped after 100 findings: 400 more commands and sections not checked');
  });

  it('a limit of its own', () => {
    const parsed = parseKickstart('bogus\n'.repeat(30), 'x.ks');
    expect(validateKickstart(parsed.doc, resolveSyntaxVersion('F38').version, { limit: 10 }).diagnostics.map((d) => d.message).at(-1)).toBe(
      'validation stopped after 10 findings: 20 more commands and sections not checked',
    );
  });
});
