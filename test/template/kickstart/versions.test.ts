import { describe, expect, it } from 'vitest';
import { at, reached, resolveSyntaxVersion, fedora, rhel, allVersions } from '../../../src/template/kickstart/versions.js';
import { ALL_COMMANDS } from '../../../src/template/kickstart/syntax/index.js';
import { optionAvailable } from '../../../src/template/kickstart/args.js';
import { PK, kilnVersion } from './pykickstart-reference.js';

describe('resolveSyntaxVersion', () => {
  it.each([
    ['F19', 'F19'],
    ['f25', 'F25'],
    ['fedora-38', 'F38'],
    ['Fedora 40', 'F40'],
    ['19', 'F19'],
    ['DEVEL', 'F45'],
    ['RHEL7', 'RHEL7'],
    ['rhel-8', 'RHEL8'],
    ['el9', 'RHEL9'],
    ['CentOS-7', 'RHEL7'],
    ['centos6.10', 'RHEL6'],
    // Oz still builds these: pykickstart has handlers for them.
    ['F12', 'F12'],
    ['F18', 'F18'],
    ['FC6', 'FC6'],
    ['fc3', 'FC3'],
    ['F6', 'FC6'],
    ['RHEL3', 'RHEL3'],
    ['RHEL5', 'RHEL5'],
    ['RHEL10', 'RHEL10'],
    ['RHEL11', 'RHEL11'],
  ])('%s → %s', (text, name) => {
    expect(resolveSyntaxVersion(text)).toEqual({ version: expect.objectContaining({ name }) });
  });

  it.each([
    ['F50', 'F45', "kickstart syntax F50 is newer than kiln's tables; validating as F45"],
    ['RHEL12', 'RHEL11', "kickstart syntax RHEL12 is newer than kiln's tables; validating as RHEL11"],
  ])('a version newer than the table (%s) uses the newest with a warning', (text, name, warning) => {
    expect(resolveSyntaxVersion(text)).toEqual({ version: expect.objectContaining({ name }), warning });
  });

  it.each(['F2', 'FC1', 'RHEL2', 'suse15', 'F'])('%s is a usage error', (text) => {
    expect(() => resolveSyntaxVersion(text)).toThrow(expect.objectContaining({ code: 'USAGE', usage: true }));
  });

  it("knows exactly pykickstart's versions, named as pykickstart names them", () => {
    expect(allVersions().map((v) => v.name).sort()).toEqual(PK.versions.map((v) => v.name).sort());
    expect(kilnVersion('DEVEL').name).toBe(PK.devel);
  });
});

describe("thresholds on pykickstart's line of versions", () => {
  it.each([
    // [threshold, version, reached]
    ['F21', fedora(20), false],
    ['F21', fedora(21), true],
    ['F21', rhel(7), true], // RHEL 7 is built from F21
    ['F22', rhel(7), false],
    ['F22', rhel(8), true],
    ['F22/RHEL7', rhel(7), true], // an explicit backport
    ['F29', rhel(8), true], // RHEL 8 is built from F29
    ['F34', rhel(9), true],
    ['F35', rhel(9), false],
    ['F40', rhel(10), true],
    ['F41', rhel(10), false],
    ['FC6', rhel(5), true],
    ['F7', rhel(5), false],
    ['FC3', rhel(3), false],
    ['FC3', rhel(4), true],
    ['F34/-', rhel(9), false],
    ['-/RHEL8', fedora(45), false],
    ['-/RHEL8', rhel(8), true],
  ] as const)('%s reached by %o: %s', (spec, v, expected) => {
    expect(reached(at(spec), v)).toBe(expected);
  });
});

describe('the command table', () => {
  it('every command exists in some version kiln knows', () => {
    for (const c of ALL_COMMANDS) {
      const alive = allVersions().some((v) => (!c.since || reached(c.since, v)) && !reached(c.removed, v));
      expect(alive || c.removed !== undefined, c.names[0]).toBe(true);
    }
  });

  it('in any one version a command name has one spec, and each option spelling one definition', () => {
    for (const v of allVersions()) {
      const available = ALL_COMMANDS.filter((c) => (!c.since || reached(c.since, v)) && !reached(c.removed, v));
      const names = available.flatMap((c) => c.names);
      expect(new Set(names).size, v.name).toBe(names.length);
      for (const c of available) {
        const spellings = c.options.filter((o) => optionAvailable(o, v)).flatMap((o) => o.names);
        expect(new Set(spellings).size, `${v.name} ${c.names[0]}`).toBe(spellings.length);
      }
    }
  });
});
