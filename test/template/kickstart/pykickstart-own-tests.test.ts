/**
 * The command lines pykickstart's own test suite (tests/commands/*.py) parses, with the verdict
 * it asserts for the syntax version each test is for: assert_parse must pass, assert_parse_error
 * must fail. Recorded by scripts/pykickstart/record-own-tests.py into
 * test/fixtures/pykickstart/own-tests.json. kiln gives the same verdict on each line alone,
 * except where it deliberately checks more because Anaconda would certainly stop (DELIBERATE).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { errorsOf, formatDiagnostic } from '../../../src/template/kickstart/diagnostics.js';
import { parseKickstart } from '../../../src/template/kickstart/parse.js';
import { validateKickstart } from '../../../src/template/kickstart/validate.js';
import { resolveSyntaxVersion } from '../../../src/template/kickstart/versions.js';

const RECORD: { pykickstart: { version: string; commit: string }; tests: number; lines: Array<[string, string, boolean]> } = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'test/fixtures/pykickstart/own-tests.json'), 'utf8'),
);

/**
 * kiln's errors that pykickstart's tests do not expect, and why kiln stands by them. A line
 * differs deliberately when every error kiln gives on it is one of these.
 */
const DELIBERATE: Array<[RegExp, string]> = [
  [
    /is not defined by any part or raid command; Anaconda would stop here$/,
    "pykickstart's tests give raid, volgroup and btrfs lines alone, naming members (raid.01, pv.01, btrfs.01) no part command defines; " +
      'Anaconda stops on such a member ("Tried to use undefined partition"), and so does kiln.',
  ],
  [
    /--checksum '[^']*' is not a SHA-256 hex digest/,
    'Anaconda compares liveimg --checksum with the SHA-256 of the image and stops when they differ; a value that is not 64 hex digits never matches.',
  ],
];

describe("kiln agrees with pykickstart's own tests", () => {
  it(`on the ${RECORD.lines.length} lines of its ${RECORD.tests} command tests (pykickstart ${RECORD.pykickstart.version})`, () => {
    const differences: string[] = [];
    for (const [version, line, valid] of RECORD.lines) {
      const parsed = parseKickstart(`${line}\n`, 'test.ks');
      const errors = errorsOf([...parsed.diagnostics, ...validateKickstart(parsed.doc, resolveSyntaxVersion(version).version).diagnostics]);
      if ((errors.length === 0) === valid) continue;
      if (!valid || !errors.every((e) => DELIBERATE.some(([re]) => re.test(e.message)))) {
        differences.push(`${version} ${JSON.stringify(line)}: pykickstart ${valid ? 'valid' : 'invalid'}; kiln: ${errors.map(formatDiagnostic).join(' | ') || 'valid'}`);
      }
    }
    expect(differences).toEqual([]);
  });
});
