import { describe, expect, it } from 'vitest';
import { outputStem, sha256Line } from '../../src/targets/naming.js';

describe('outputStem', () => {
  it.each([
    ['Fedora-Cloud-Base', '19', 'x86_64', 'Fedora-Cloud-Base-19.x86_64'],
    ['Fedora-Cloud-Base', '19_Beta.1', 'i686', 'Fedora-Cloud-Base-19_Beta.1.i686'],
    ['debian', undefined, 'x86_64', 'debian.x86_64'],
    ['debian', '', 'i686', 'debian.i686'],
  ] as const)('%s %s %s', (name, version, arch, stem) => {
    expect(outputStem(name, version, arch)).toBe(stem);
  });

  it.each([
    ['../etc', '1'],
    ['my image', '1'],
    ['ok', 'a/b'],
    ['-flag', '1'],
  ])('refuses %j %j', (name, version) => {
    expect(() => outputStem(name, version, 'x86_64')).toThrow(/invalid (output name|version)/);
  });
});

describe('sha256Line', () => {
  it('is what sha256sum -c reads', () => {
    expect(sha256Line('ab'.repeat(32), 'x.qcow2')).toBe(`${'ab'.repeat(32)}  x.qcow2\n`);
  });
});
