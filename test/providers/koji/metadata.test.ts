import { describe, expect, it } from 'vitest';
import { cgMetadata } from '../../../src/providers/koji/metadata.js';
import { assertValidMetadata, metadataProblems } from '../../../src/providers/koji/validate.js';
import { goldenFiles } from '../../golden.js';
import { debItem, rpmItem } from './items.js';

const golden = goldenFiles('providers/koji');
const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

describe('Content Generator metadata from an import item', () => {
  it.each([
    ['an rpm image of two arches: rpm components, one buildroot per base', 'metadata-rpm-two-arches.json', rpmItem],
    ['a Debian payload: no components, the packages in the buildroot extra', 'metadata-deb.json', debItem],
  ])('%s', async (_name, file, item) => {
    const md = cgMetadata(item(), { cg: 'kiln', buildId: 42 });
    expect(metadataProblems(md)).toEqual([]);
    await golden.expect(file, json(md));
  });

  it('puts the arch in extra.image on image archives and logs under their subdir', () => {
    const md = cgMetadata(rpmItem(), { cg: 'kiln' });
    const [image, record, log] = md.output;
    expect(image).toMatchObject({ type: 'image', arch: 'x86_64', extra: { image: { arch: 'x86_64' } }, buildroot_id: 1 });
    expect(image!.components).toHaveLength(2);
    expect(record).toMatchObject({ type: 'image', extra: { image: { arch: 'x86_64' } } });
    expect(record!.components).toBeUndefined();
    expect(log).toMatchObject({ type: 'log', arch: 'noarch', subdir: 'x86_64', relpath: 'x86_64' });
    expect(md.output[3]).toMatchObject({ buildroot_id: 2, arch: 'i686' });
  });
});

describe('metadata validation: what the hub would answer with a bare KeyError is named first', () => {
  const valid = () => cgMetadata(rpmItem(), { cg: 'kiln', buildId: 42 }) as unknown as Record<string, any>;
  it.each<[string, (md: Record<string, any>) => void, string]>([
    ['no start_time', (md) => delete md.build.start_time, 'build.start_time: must be a Unix time in seconds'],
    ['no source', (md) => delete md.build.source, 'build.source: missing (what the build was made from)'],
    ['no typeinfo', (md) => delete md.build.extra.typeinfo, 'build.extra.typeinfo.image: missing (the build type)'],
    ['a dash in the release', (md) => (md.build.release = '1-3'), "build.release: '1-3' must not contain '-'"],
    ['no tools', (md) => delete md.buildroots[0].tools, 'buildroots[0].tools: missing'],
    ['no components', (md) => delete md.buildroots[1].components, 'buildroots[1].components: missing (may be empty)'],
    ['a component without sigmd5', (md) => delete md.buildroots[0].components[0].sigmd5, 'buildroots[0].components[0].sigmd5: must be 32 hex digits or null'],
    ['an image without extra.image.arch', (md) => delete md.output[0].extra.image.arch, 'output[0].extra.image.arch: missing (an image archive\'s arch)'],
    ['a bad checksum', (md) => (md.output[0].checksum = 'abc'), 'output[0].checksum: must be a sha256 (64 hex digits) with checksum_type sha256'],
    ['an unknown buildroot', (md) => (md.output[0].buildroot_id = 9), 'output[0].buildroot_id: 9 is not a buildroot of this build'],
    ['a buildroot no output uses', (md) => (md.output = md.output.slice(0, 3)), 'buildroots: id 2 is not used by any output'],
    ['a file name twice', (md) => (md.output[3].filename = md.output[0].filename), `output[3].filename: F-19.x86_64.qcow2 appears twice`],
    ['metadata version 1', (md) => (md.metadata_version = 1), 'metadata_version: must be 0 (got 1)'],
  ])('%s', (_name, breakIt, problem) => {
    const md = valid();
    breakIt(md);
    expect(metadataProblems(md)).toContain(problem);
    expect(() => assertValidMetadata(md as never)).toThrow(expect.objectContaining({ code: 'KOJI_METADATA_INVALID', details: expect.arrayContaining([problem]) }));
  });

  it('allows the same log name in two subdirs', () => {
    expect(metadataProblems(valid())).toEqual([]);
  });
});
