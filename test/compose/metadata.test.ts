/**
 * composeinfo.json and images.json for the example drop (golden files), whose type and format
 * per kiln target is the target → productmd mapping, and the validators both ways.
 *
 * Checked once with productmd's own code (release-engineering/productmd at 2a28dec, Debian's
 * python3 3.11): ComposeInfo().load() and Images().load() of golden/composeinfo.json and
 * golden/images.json validate without error, and dumps() gives back both files byte for byte;
 * productmd also refuses, as validateImagesJson does, a raw.tar.xz format or raw-tar-xz type, a
 * size of 0, the label "Beta", an arch "arm" and two images alike in every identifying attribute.
 * It accepts a qcow2 image with the raw.xz format, which kiln's validator refuses on purpose.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeIdentity, composeImageFileName } from '../../src/compose/compose-identity.js';
import { buildComposeInfo } from '../../src/compose/composeinfo.js';
import { buildImagesJson, imageEntry, type ComposeOutput } from '../../src/compose/images-json.js';
import { composeLayout } from '../../src/compose/layout.js';
import { writeComposeInfo, writeImagesJson } from '../../src/compose/metadata-files.js';
import { productmdJson } from '../../src/compose/productmd-json.js';
import { assertProductmdValid } from '../../src/compose/validate-productmd.js';
import { validateComposeInfoJson } from '../../src/compose/validate-composeinfo.js';
import { validateImagesJson } from '../../src/compose/validate-images.js';
import { sha256 } from '../../src/core/hash.js';
import type { DropRelease } from '../../src/compose/drop-spec-types.js';
import type { TargetName } from '../../src/targets/types.js';
import { goldenFiles } from '../golden.js';

const golden = goldenFiles('compose');
const FEDORA: DropRelease = { name: 'Fedora', short: 'Fedora', version: '19', type: 'ga' };
const BETA = composeIdentity({ release: FEDORA, variant: 'Cloud' }, { date: '20261125', type: 'production', respin: 0, label: 'Beta-1.3' });
const RC = composeIdentity({ release: FEDORA, variant: 'Cloud' }, { date: '20261201', type: 'production', respin: 2, label: 'RC-1.6' });

const EXT: Record<TargetName, string> = { openstack: 'qcow2', 'raw-xz': 'raw.xz', ec2: 'raw', 'raw-tar-xz': 'raw.tar.xz', appliance: 'appliance.tar.xz' };

/** The example drop's outputs (sizes, times and digests are fixed test inputs). */
function exampleOutputs(): ComposeOutput[] {
  const images: [string, string, TargetName[], ('x86_64' | 'i686')[]][] = [
    ['Fedora-Cloud-Base', 'Cloud_Base', ['openstack', 'raw-xz', 'raw-tar-xz'], ['x86_64', 'i686']],
    ['Fedora-Cloud-Base-AmazonEC2', 'Cloud_Base_AmazonEC2', ['ec2'], ['x86_64', 'i686']],
    ['Fedora-Cloud-Appliance', 'Cloud_Appliance', ['appliance'], ['x86_64']],
  ];
  const out: ComposeOutput[] = [];
  let n = 0;
  for (const [name, subvariant, targets, arches] of images) {
    for (const arch of arches) {
      for (const target of targets) {
        n++;
        const file = composeImageFileName(BETA, { name }, arch, EXT[target]);
        out.push({ subvariant, arch, target, file, size: 100_000_000 + n, mtime: 1_795_000_000 + n, sha256: sha256(file) });
      }
    }
  }
  return out;
}

describe('productmd metadata', () => {
  it('writes composeinfo.json for the example (golden)', async () => {
    const doc = buildComposeInfo(BETA, ['x86_64', 'i686']);
    expect(validateComposeInfoJson(doc)).toEqual([]);
    await golden.expect('composeinfo.json', productmdJson(doc));
  });

  it('marks an RC compose final', () => {
    const doc = buildComposeInfo(RC, ['x86_64']);
    expect(doc.payload.compose).toEqual({ id: 'Fedora-Cloud-19-20261201.2', type: 'production', date: '20261201', respin: 2, label: 'RC-1.6', final: true });
    expect(validateComposeInfoJson(doc)).toEqual([]);
  });

  it('leaves label and final out of a nightly', () => {
    const nightly = composeIdentity({ release: FEDORA, variant: 'Cloud' }, { date: '20261125', type: 'nightly', respin: 0 });
    expect(buildComposeInfo(nightly, ['x86_64']).payload.compose).toEqual({ id: 'Fedora-Cloud-19-20261125.n.0', type: 'nightly', date: '20261125', respin: 0 });
  });

  it('writes images.json for the example with only productmd formats (golden)', async () => {
    const doc = buildImagesJson(BETA, exampleOutputs());
    expect(validateImagesJson(doc)).toEqual([]);
    const all = Object.values(doc.payload.images.Cloud!).flat();
    expect(all.map((i) => i.format).sort()).toEqual(['qcow2', 'qcow2', 'raw', 'raw', 'raw.xz', 'raw.xz']);
    expect(Object.keys(doc.payload.images.Cloud!).sort()).toEqual(['i386', 'x86_64']);
    await golden.expect('images.json', productmdJson(doc));
  });

  it('gives no entry for raw-tar-xz or an appliance', () => {
    const o = exampleOutputs().find((x) => x.target === 'raw-tar-xz')!;
    expect(imageEntry(BETA, o)).toBeUndefined();
    expect(imageEntry(BETA, { ...o, target: 'openstack' })?.path).toBe(`Cloud/x86_64/images/${o.file}`);
  });

  it('writes both files, checked, under compose/metadata', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-meta-'));
    try {
      const layout = composeLayout(dir, 'Cloud');
      await writeComposeInfo(layout, BETA, ['x86_64', 'i686']);
      await writeImagesJson(layout, BETA, exampleOutputs());
      expect(await readFile(layout.composeinfoFile, 'utf8')).toBe(await readFile(join(golden.dir, 'composeinfo.json'), 'utf8'));
      expect(await readFile(layout.imagesFile, 'utf8')).toBe(await readFile(join(golden.dir, 'images.json'), 'utf8'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes JSON the way productmd does: sorted keys, 4 spaces, ASCII only, no final newline', () => {
    expect(productmdJson({ b: 1, a: { d: [1, 'é'], c: null } })).toBe('{\n    "a": {\n        "c": null,\n        "d": [\n            1,\n            "\\u00e9"\n        ]\n    },\n    "b": 1\n}');
  });
});

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function imagesDoc(): Doc {
  return JSON.parse(productmdJson(buildImagesJson(BETA, exampleOutputs()))) as Doc;
}
function composeInfoDoc(): Doc {
  return JSON.parse(productmdJson(buildComposeInfo(BETA, ['x86_64', 'i686']))) as Doc;
}
const img0 = (d: Doc): Doc => d.payload.images.Cloud.x86_64[0];

describe('validateImagesJson', () => {
  it.each<[string, (d: Doc) => void, RegExp]>([
    ['a wrong header type', (d) => (d.header.type = 'productmd.composeinfo'), /^header.type: must be "productmd.images"/],
    ['a header version that is not major.minor', (d) => (d.header.version = '1'), /^header.version: "1" is not a <major>.<minor> version/],
    ['no payload', (d) => delete d.payload, /^payload: is required/],
    ['a compose id without a date', (d) => (d.payload.compose.id = 'Fedora-Cloud-19'), /^payload.compose.id: "Fedora-Cloud-19" is not a compose id/],
    ['a compose date with dashes', (d) => (d.payload.compose.date = '2026-11-25'), /^payload.compose.date: "2026-11-25" is not a YYYYMMDD date/],
    ['an unknown compose type', (d) => (d.payload.compose.type = 'weekly'), /^payload.compose.type: "weekly" is not a compose type/],
    ['a respin that is a string', (d) => (d.payload.compose.respin = '0'), /^payload.compose.respin: must be int, not string/],
    ['a label in the wrong form', (d) => (d.payload.compose.label = 'Beta'), /^payload.compose.label: "Beta" is not a milestone label/],
    ['final that is not a boolean', (d) => Object.assign(d.payload.compose, { label: 'RC-1.0', final: 'yes' }), /^payload.compose.final: must be bool, not string/],
    ['an arch productmd does not know', (d) => (d.payload.images.Cloud.arm = d.payload.images.Cloud.x86_64), /^payload.images.Cloud.arm: 'arm' is not an RPM arch/],
    ['images under src', (d) => (d.payload.images.Cloud.src = []), /^payload.images.Cloud.src: source arches are not allowed/],
    ['a blank path', (d) => (img0(d).path = ''), /^payload.images.Cloud.x86_64\[0\].path: must not be blank/],
    ['an mtime with a fraction', (d) => (img0(d).mtime = 1.5), /\[0\].mtime: must be int, not number/],
    ['a size of 0', (d) => (img0(d).size = 0), /\[0\].size: must not be blank/],
    ['no size', (d) => delete img0(d).size, /\[0\].size: is required/],
    ['an empty volume id', (d) => (img0(d).volume_id = ''), /\[0\].volume_id: must not be blank/],
    ['raw-tar-xz as a type', (d) => (img0(d).type = 'raw-tar-xz'), /\[0\].type: "raw-tar-xz" is not a productmd image type/],
    ['raw.tar.xz as a format', (d) => (img0(d).format = 'raw.tar.xz'), /\[0\].format: "raw.tar.xz" is not a productmd image format/],
    ['a format of another type', (d) => Object.assign(img0(d), { type: 'qcow2', format: 'raw.xz' }), /\[0\].format: "raw.xz" is not a format of image type "qcow2" \(it has: qcow2\)/],
    ['a missing format, read as iso', (d) => delete img0(d).format, /\[0\].format: "iso" is not a format of image type/],
    ['a blank arch', (d) => (img0(d).arch = ''), /\[0\].arch: must not be blank/],
    ['a disc number that is null', (d) => (img0(d).disc_number = null), /\[0\].disc_number: must be int, not null/],
    ['a string disc count', (d) => (img0(d).disc_count = '1'), /\[0\].disc_count: must be int, not string/],
    ['no checksums', (d) => (img0(d).checksums = {}), /\[0\].checksums: must not be blank/],
    ['a checksum that is not a string', (d) => (img0(d).checksums = { sha256: 5 }), /\[0\].checksums.sha256: must be string, not int/],
    ['an implanted MD5 that is not one', (d) => (img0(d).implant_md5 = 'XYZ'), /\[0\].implant_md5: "XYZ" is not an MD5/],
    ['bootable as a string', (d) => (img0(d).bootable = 'false'), /\[0\].bootable: must be bool, not string/],
    ['no subvariant', (d) => delete img0(d).subvariant, /\[0\].subvariant: is required/],
    ['additional variants on a non-unified image', (d) => (img0(d).additional_variants = ['Server']), /\[0\].additional_variants: only unified images/],
    ['two different images alike in every identifying attribute', (d) => (d.payload.images.Cloud.x86_64[1] = { ...img0(d), path: 'Cloud/x86_64/images/other.qcow2', checksums: { sha256: 'b'.repeat(64) } }), /\[1\]: shares subvariant, type, format, arch and disc number with payload.images.Cloud.x86_64\[0\]/],
  ])('rejects %s, naming the field', (_name, breakIt, message) => {
    const doc = imagesDoc();
    breakIt(doc);
    const problems = validateImagesJson(doc);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('accepts the same file listed twice (same checksums), as productmd does', () => {
    const doc = imagesDoc();
    doc.payload.images.Cloud.x86_64.push({ ...img0(doc) });
    expect(validateImagesJson(doc)).toEqual([]);
  });

  it('assertProductmdValid throws PRODUCTMD_INVALID with every problem', () => {
    const doc = imagesDoc();
    img0(doc).format = 'raw.tar.xz';
    img0(doc).size = '1';
    expect(() => assertProductmdValid('images.json', doc)).toThrow(expect.objectContaining({ code: 'PRODUCTMD_INVALID', fault: 'kiln', details: [expect.stringMatching(/size/), expect.stringMatching(/format/)] }));
    expect(() => assertProductmdValid('images.json', imagesDoc())).not.toThrow();
  });
});

describe('validateComposeInfoJson', () => {
  const v = (d: Doc): Doc => d.payload.variants.Cloud;
  it.each<[string, (d: Doc) => void, RegExp]>([
    ['a wrong header type', (d) => (d.header.type = 'productmd.images'), /^header.type: must be "productmd.composeinfo"/],
    ['a bad compose id', (d) => (d.payload.compose.id = ''), /^payload.compose.id: must not be blank/],
    ['no release', (d) => delete d.payload.release, /^payload.release: is required/],
    ['a release version productmd refuses', (d) => (d.payload.release.version = '19 beta'), /^payload.release.version: "19 beta" is not a release version/],
    ['an unknown release type', (d) => (d.payload.release.type = 'beta'), /^payload.release.type: "beta" is not a release type/],
    ['internal as a string', (d) => (d.payload.release.internal = 'no'), /^payload.release.internal: must be bool, not string/],
    ['a layered release without its base product', (d) => (d.payload.release.is_layered = true), /^payload.base_product: is required/],
    ['no variants', (d) => delete d.payload.variants, /^payload.variants: is required/],
    ['a variant id with a dash', (d) => (v(d).id = 'Cloud-Base'), /^payload.variants.Cloud.id: "Cloud-Base" is not a variant id/],
    ['a uid that is not its key', (d) => (v(d).uid = 'Server'), /^payload.variants.Cloud.uid: "Server" is not its key "Cloud"/],
    ['a blank variant name', (d) => (v(d).name = ''), /^payload.variants.Cloud.name: must not be blank/],
    ['an unknown variant type', (d) => (v(d).type = 'spin'), /^payload.variants.Cloud.type: "spin" is not a variant type/],
    ['no arches', (d) => (v(d).arches = []), /^payload.variants.Cloud.arches: must not be blank/],
    ['an arch that is not an RPM arch', (d) => v(d).arches.push('arm'), /^payload.variants.Cloud.arches\[2\]: 'arm' is not an RPM arch/],
    ['an unknown path kind', (d) => (v(d).paths.qcows = { x86_64: 'x' }), /^payload.variants.Cloud.paths.qcows: is not a productmd variant path/],
    ['a path for an arch the variant lacks', (d) => (v(d).paths.images.ppc64le = 'Cloud/ppc64le/images'), /^payload.variants.Cloud.paths.images.ppc64le: arch 'ppc64le' is not one of the variant's arches/],
    ['a child variant that is not listed', (d) => (v(d).variants = ['Optional']), /^payload.variants.Cloud.variants: child variant 'Optional' is not listed/],
  ])('rejects %s, naming the field', (_name, breakIt, message) => {
    const doc = composeInfoDoc();
    breakIt(doc);
    // One broken rule can break another (a bad id no longer aligns with its uid): the rule's own
    // message must be among them.
    expect(validateComposeInfoJson(doc)).toContainEqual(expect.stringMatching(message));
  });

  it('accepts a child variant that is listed', () => {
    const doc = composeInfoDoc();
    v(doc).variants = ['Extra'];
    doc.payload.variants['Cloud-Extra'] = { id: 'Extra', uid: 'Cloud-Extra', name: 'Extra', type: 'addon', arches: ['x86_64'], paths: {} };
    expect(validateComposeInfoJson(doc)).toEqual([]);
  });

  it('rejects something that is not a document at all', () => {
    expect(validateComposeInfoJson([])).toEqual(['document: must be object, not array']);
    expect(validateImagesJson(null)).toEqual(['document: must be object, not null']);
  });
});
