/**
 * kiln's verdict against pykickstart's on small generated kickstarts, in every syntax version:
 * each command with what it needs, then with each option it ever had (a value of the right and
 * of the wrong kind), with an extra word, bare; and hand-written lines for argparse's corners,
 * sections and conflicts. Recorded by scripts/pykickstart/record-probes.py into
 * test/fixtures/pykickstart/probes.json (one '1' valid / '0' invalid per version).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { errorsOf } from '../../../src/template/kickstart/diagnostics.js';
import { parseKickstart } from '../../../src/template/kickstart/parse.js';
import { validateKickstart } from '../../../src/template/kickstart/validate.js';
import { resolveSyntaxVersion } from '../../../src/template/kickstart/versions.js';

interface Probes {
  pykickstart: { version: string; commit: string };
  versions: string[];
  probes: Array<[string, string]>;
}

const PROBES: Probes = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/pykickstart/probes.json'), 'utf8'));

/**
 * Where kiln deliberately gives another verdict than pykickstart: probe → [versions, reason].
 * Each is stricter only where Anaconda would certainly fail, and says so in its message.
 */
const UNDEFINED_MEMBER = 'names a member (pv.*, raid.*, btrfs.*) no part command defines: pykickstart does not look, Anaconda stops with "Tried to use undefined partition"';
const VOLGROUP_UNKNOWN_OPTION =
  "pykickstart's volgroup takes a word it does not know (an option of a later release, a typo) as the name of a physical volume; " +
  'Anaconda then stops because no partition has that name. kiln reports the unknown option.';
const BEFORE_F16 = ['RHEL3', 'FC3', 'RHEL4', 'FC4', 'FC5', 'FC6', 'RHEL5', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12', 'F13', 'F14', 'F15'];
const DELIBERATE: Record<string, [string[] | 'all', string]> = {
  'btrfs / btrfs.1': ['all', UNDEFINED_MEMBER],
  'raid / --device=md0 --level=1 raid.1 raid.2': ['all', UNDEFINED_MEMBER],
  'volgroup vg pv.1': ['all', UNDEFINED_MEMBER],
  'volgroup vg pv.1 --reserved-percent=1': ['all', UNDEFINED_MEMBER],
  'clearpart --disklabel=x': ['all', 'Anaconda creates only msdos, gpt, dasd (s390x) and mac (old PowerPC) disk labels and stops on any other name; pykickstart takes any word'],
  'liveimg --url=http://x/i.img --checksum=x': ['all', 'Anaconda compares --checksum with the SHA-256 of the image and stops the install when they differ; a value that is not 64 hex digits can never match'],
  'part pv.1\nvolgroup vg pv.1 --bogus': ['all', VOLGROUP_UNKNOWN_OPTION],
  'part pv.1\nvolgroup vg pv.1 --reserved-percent=1': [BEFORE_F16, VOLGROUP_UNKNOWN_OPTION],
  'part pv.1\nvolgroup vg pv.1 --reserved-percent=nope': [BEFORE_F16, VOLGROUP_UNKNOWN_OPTION],
  'part pv.1\nvolgroup vg pv.1 --reserved-space=1': [BEFORE_F16, VOLGROUP_UNKNOWN_OPTION],
  'part pv.1\nvolgroup vg pv.1 --reserved-space=nope': [BEFORE_F16, VOLGROUP_UNKNOWN_OPTION],
  'volgroup vg --reserved-percent=100 pv.1': [BEFORE_F16, VOLGROUP_UNKNOWN_OPTION],
};

const parsedProbes = new Map<string, ReturnType<typeof parseKickstart>>();

export function kilnVerdict(text: string, version: string): boolean {
  const v = resolveSyntaxVersion(version).version;
  let parsed = parsedProbes.get(text);
  if (!parsed) parsedProbes.set(text, (parsed = parseKickstart(text + '\n', 'probe.ks')));
  return errorsOf([...parsed.diagnostics, ...validateKickstart(parsed.doc, v).diagnostics]).length === 0;
}

describe('kiln agrees with pykickstart on generated one-command kickstarts', () => {
  it(`${PROBES.probes.length} probes × ${PROBES.versions.length} versions (pykickstart ${PROBES.pykickstart.version})`, () => {
    const differences: string[] = [];
    for (const [text, verdicts] of PROBES.probes) {
      const differing = PROBES.versions.filter((v, i) => kilnVerdict(text, v) !== (verdicts[i] === '1'));
      if (!differing.length) continue;
      const deliberate = DELIBERATE[text];
      if (deliberate && (deliberate[0] === 'all' || differing.every((v) => (deliberate[0] as string[]).includes(v)))) continue;
      differences.push(`${JSON.stringify(text)}: ${differing.join(' ')} (pykickstart says ${verdicts[PROBES.versions.indexOf(differing[0]!)] === '1' ? 'valid' : 'invalid'} in ${differing[0]})`);
    }
    expect(differences).toEqual([]);
  });

  it('every deliberate difference is still one (the list holds nothing stale)', () => {
    for (const [text, [versions]] of Object.entries(DELIBERATE)) {
      const verdicts = PROBES.probes.find(([t]) => t === text)?.[1];
      expect(verdicts, text).toBeDefined();
      const differing = PROBES.versions.filter((v, i) => kilnVerdict(text, v) !== (verdicts![i] === '1'));
      expect(differing.length, text).toBeGreaterThan(0);
      if (versions !== 'all') expect(differing, text).toEqual(versions.filter((v) => differing.includes(v)));
    }
  });
});
