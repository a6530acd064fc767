/**
 * kiln's verdict on real public kickstarts against pykickstart's, recorded beside each one
 * (test/fixtures/ks-corpus/**\/NAME.json; scripts/pykickstart/record-verdicts.py re-records them).
 * pykickstart is run as Anaconda runs it: warnings are not fatal, and an %include of a file that
 * only exists inside the installer at install time is skipped. Every kickstart where kiln's
 * verdict differs is listed in DELIBERATE with the reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { errorsOf, formatDiagnostic } from '../../../src/template/kickstart/diagnostics.js';
import { loadKickstartFile } from '../../../src/template/kickstart/include.js';
import { validateKickstart } from '../../../src/template/kickstart/validate.js';
import { resolveSyntaxVersion } from '../../../src/template/kickstart/versions.js';

const ROOT = join(PROJECT_ROOT, 'test/fixtures/ks-corpus');

interface Entry {
  source: { repository: string; path: string; commit: string };
  syntax: string;
  pykickstart: { verdict: 'valid' | 'invalid'; error?: string; warnings: string[]; unresolved?: string[] };
}

/** Kickstarts where kiln deliberately disagrees with pykickstart, and why. */
const DELIBERATE: Record<string, string> = {
  'rhinstaller+kickstart-tests/liveimg.ks.in':
    "liveimg --checksum=@KSTEST_LIVEIMG_CHECKSUM@ is the test harness's placeholder, not a digest. pykickstart takes any string; " +
    'Anaconda compares it with the SHA-256 of the image and stops the install when they differ, so kiln rejects a value that is not 64 hex digits.',
};

const entries = (readdirSync(ROOT, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((meta) => ({ file: meta.slice(0, -'.json'.length), entry: JSON.parse(readFileSync(join(ROOT, meta), 'utf8')) as Entry }));

async function kilnVerdict(file: string, syntax: string): Promise<{ valid: boolean; errors: string[] }> {
  const path = join(ROOT, file);
  const loaded = await loadKickstartFile(basename(path), { cwd: dirname(path) });
  const result = validateKickstart(loaded.flat, resolveSyntaxVersion(syntax).version);
  const errors = errorsOf([...loaded.diagnostics, ...result.diagnostics]).map(formatDiagnostic);
  return { valid: errors.length === 0, errors };
}

describe('kiln agrees with pykickstart on real kickstarts', () => {
  it('has a corpus of at least 150 kickstarts with provenance', () => {
    expect(entries.length).toBeGreaterThanOrEqual(150);
    for (const { entry } of entries) expect(entry.source.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('gives the recorded verdict on at least 97 % of them; every difference is deliberate', async () => {
    const differences: Record<string, string> = {};
    for (const { file, entry } of entries) {
      const kiln = await kilnVerdict(file, entry.syntax);
      const pk = entry.pykickstart.verdict === 'valid';
      if (kiln.valid !== pk) {
        differences[file] = `${entry.syntax}: kiln ${kiln.valid ? 'valid' : 'invalid'}${kiln.errors.length ? ` (${kiln.errors[0]})` : ''}, pykickstart ${entry.pykickstart.verdict}${entry.pykickstart.error ? ` (${entry.pykickstart.error.split('\n').slice(-1)[0]!.trim()})` : ''}`;
      }
    }
    if (process.env.KILN_CORPUS_REPORT) console.log(JSON.stringify(differences, null, 1));
    expect(Object.keys(differences).filter((f) => !DELIBERATE[f])).toEqual([]);
    expect(Object.keys(DELIBERATE).filter((f) => !differences[f])).toEqual([]);
    expect(1 - Object.keys(differences).length / entries.length).toBeGreaterThanOrEqual(0.97);
  });
});
