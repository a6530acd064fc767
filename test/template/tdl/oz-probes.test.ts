/**
 * kiln's TDL reader against Oz's (its RELAX NG schema oz/tdl.rng, then oz/TDL.py) on generated
 * TDLs: a valid Fedora TDL with one thing changed each. Recorded by scripts/oz/record-tdl-probes.py
 * into test/fixtures/oz/tdl-probes.json. kiln never accepts what Oz rejects; where it rejects
 * what Oz accepts, DELIBERATE says why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { readTdl } from '../../../src/template/tdl/read.js';

interface Probe {
  tdl: string;
  verdict: 'valid' | 'invalid';
  error?: string;
}

const RECORD: { oz: { commit: string }; probes: Probe[] } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/oz/tdl-probes.json'), 'utf8'));

/** What in a probe kiln refuses though Oz takes it, and why (matched against the TDL text). */
const DELIBERATE: Array<[RegExp, string]> = [
  [/<arch>(ppc64|aarch64|s390x)<\/arch>/, 'kiln builds x86_64 and i686 guests only'],
  [/<size>0<\/size>/, 'a disk of no bytes cannot hold an install (Oz only fails later, when it creates the disk)'],
];

function kilnValid(tdl: string): { valid: boolean; errors: string[] } {
  const errors = readTdl(tdl, 'probe.tdl').diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  return { valid: errors.length === 0, errors };
}

describe("kiln's TDL reader agrees with Oz", () => {
  it(`never accepts a TDL Oz rejects (${RECORD.probes.length} probes)`, () => {
    const accepted = RECORD.probes.filter((p) => p.verdict === 'invalid' && kilnValid(p.tdl).valid);
    expect(accepted.map((p) => `${p.tdl.replace(/\s+/g, ' ')} — Oz: ${p.error}`)).toEqual([]);
  });

  it('rejects a TDL Oz accepts only deliberately', () => {
    const rejected = RECORD.probes.filter((p) => p.verdict === 'valid' && !kilnValid(p.tdl).valid && !DELIBERATE.some(([re]) => re.test(p.tdl)));
    expect(rejected.map((p) => `${p.tdl.replace(/\s+/g, ' ')} — kiln: ${kilnValid(p.tdl).errors.join('; ')}`)).toEqual([]);
  });
});
