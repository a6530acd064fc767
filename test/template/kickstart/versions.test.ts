import { describe, expect, it } from 'vitest';
import { at, reached, resolveSyntaxVersion, fedora, rhel, allVersions } from '../../../src/template/kickstart/versions.js';
import { ALL_COMMANDS } from '../../../src/template/kickstart/syntax/index.js';

describe('resolveSyntaxVersion', () => {
  it.each([
    ['F19', 'F19'],
    ['f25', 'F25'],
    ['fedora-38', 'F38'],
    ['Fedora 40', 'F40'],
    ['19', 'F19'],
    ['DEVEL', 'F46'],
    ['RHEL7', 'RHEL7'],
    ['rhel-8', 'RHEL8'],
    ['el9', 'RHEL9'],
    ['CentOS-7', 'RHEL7'],
    ['centos6.10', 'RHEL6'],
  ])('%s → %s', (text, name) => {
    expect(resolveSyntaxVersion(text)).toEqual({ version: expect.objectContaining({ name }) });
  });

  it.each([
    ['F50', 'F46', 'kickstart syntax F50 is newer than kiln\'s tables; validating as F46'],
    ['RHEL10', 'RHEL9', 'kickstart syntax RHEL10 is newer than kiln\'s tables; validating as RHEL9'],
  ])('a version newer than the table (%s) uses the newest with a warning', (text, name, warning) => {
    expect(resolveSyntaxVersion(text)).toEqual({ version: expect.objectContaining({ name }), warning });
  });

  it.each(['F18', 'RHEL5', 'suse15', 'F'])('%s is a usage error', (text) => {
    expect(() => resolveSyntaxVersion(text)).toThrow(expect.objectContaining({ code: 'USAGE', usage: true }));
  });
});

describe('thresholds on pykickstart\'s line of versions', () => {
  it.each([
    // [threshold, version, reached]
    ['F21', fedora(20), false],
    ['F21', fedora(21), true],
    ['F21', rhel(7), true], // RHEL 7 sits after F21
    ['F22', rhel(7), false],
    ['F22', rhel(8), true],
    ['F22/RHEL7', rhel(7), true], // an explicit backport
    ['F34', rhel(9), true],
    ['F35', rhel(9), false],
    ['F34/-', rhel(9), false],
    ['-/RHEL8', fedora(46), false],
    ['-/RHEL8', rhel(8), true],
  ] as const)('%s reached by %o: %s', (spec, v, expected) => {
    expect(reached(at(spec), v)).toBe(expected);
  });
});

describe('the command table', () => {
  it('every command exists in some version kiln knows, and no spelling is used twice', () => {
    const names = ALL_COMMANDS.flatMap((c) => c.names);
    expect(new Set(names).size).toBe(names.length);
    for (const c of ALL_COMMANDS) {
      const alive = allVersions().some((v) => (!c.since || reached(c.since, v)) && !reached(c.removed, v));
      const removedWithin = c.removed !== undefined;
      expect(alive || removedWithin, c.names[0]).toBe(true);
    }
  });

  it('option spellings are unique within a command', () => {
    for (const c of ALL_COMMANDS) {
      const spellings = c.options.flatMap((o) => o.names);
      expect(new Set(spellings).size, c.names[0]).toBe(spellings.length);
    }
  });
});
