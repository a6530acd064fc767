import { describe, expect, it } from 'vitest';
import { archiveDifferences, checkExisting } from '../../../src/providers/koji/existing.js';
import type { KojiArchive, KojiBuild } from '../../../src/providers/koji/calls.js';
import { rpmItem } from './items.js';

const item = rpmItem();
const archivesOf = (files = item.files.filter((f) => f.kind !== 'log')): KojiArchive[] =>
  files.map((f, i) => ({ id: i + 1, filename: f.name, size: f.size, checksum: f.sha256, checksum_type: 2, type_name: 'qcow2', btype: 'image', buildroot_id: 1 }));
const build = (state: number): KojiBuild => ({ id: 9, nvr: 'Fedora-Cloud-Base-19-1.3', name: 'Fedora-Cloud-Base', version: '19', release: '1.3', state });

describe('an NVR already in Koji', () => {
  it('with the same images and records (logs are not archives) is this import: nothing to do', () => {
    expect(archiveDifferences(item, archivesOf())).toEqual([]);
    expect(() => checkExisting(item, 'n', build(1), archivesOf())).not.toThrow();
  });

  it('with different files is an error naming each difference', () => {
    const archives = archivesOf();
    archives[0]!.checksum = 'f'.repeat(64);
    archives.pop();
    archives.push({ ...archives[1]!, filename: 'other.raw.xz' });
    const differences = archiveDifferences(item, archives);
    expect(differences).toEqual([
      `F-19.x86_64.qcow2: Koji has 4600000000 bytes sha256 ${'f'.repeat(64)}, this one is 4600000000 bytes sha256 ${'a'.repeat(64)}`,
      'kiln-base-b2.record.json: not in the Koji build',
      'other.raw.xz: in the Koji build only',
    ]);
    expect(() => checkExisting(item, 'n', build(1), archives)).toThrow(expect.objectContaining({ code: 'KOJI_NVR_TAKEN', details: differences }));
  });

  it.each([
    [0, 'KOJI_NVR_RESERVED'],
    [3, undefined],
    [4, undefined],
  ])('in state %i', (state, code) => {
    const attempt = () => checkExisting(item, 'n', build(state), []);
    if (code) expect(attempt).toThrow(expect.objectContaining({ code }));
    else expect(attempt).not.toThrow();
  });
});
