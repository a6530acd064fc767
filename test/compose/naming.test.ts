import { describe, expect, it } from 'vitest';
import { composeArch, dropArch, treeFor } from '../../src/compose/arches.js';
import { composeDate, composeShort, createComposeId, parseComposeId, type ComposeIdParts } from '../../src/compose/compose-id.js';
import { composeChecksumFileName, composeIdentity, composeImageFileName, imageNvr } from '../../src/compose/compose-identity.js';
import { checksumFileName, imageFileName, imageStem, subvariantOf } from '../../src/compose/image-names.js';
import { checkComposeLabel, imageRelease, imageVersion, isFinalLabel, isValidLabel, labelMajorVersion, parseLabel, verifyLabel } from '../../src/compose/labels.js';
import { expandPlaceholders, placeholdersIn } from '../../src/compose/placeholders.js';
import { expandTags, tagPlaceholderValues } from '../../src/compose/publish-tags.js';
import type { DropRelease } from '../../src/compose/drop-spec-types.js';

const FEDORA: DropRelease = { name: 'Fedora', short: 'Fedora', version: '19', type: 'ga' };
const SPEC = { release: FEDORA, variant: 'Cloud' };

describe('compose ids', () => {
  const day = { short: 'Fedora-Cloud', version: '19', date: '20261125' };
  it.each<[string, ComposeIdParts]>([
    ['Fedora-Cloud-19-20261125.0', { ...day, type: 'production', respin: 0 }],
    ['Fedora-Cloud-19-20261125.n.0', { ...day, type: 'nightly', respin: 0 }],
    ['Fedora-Cloud-19-20261125.t.3', { ...day, type: 'test', respin: 3 }],
    ['Fedora-Cloud-19-20261125.ci.1', { ...day, type: 'ci', respin: 1 }],
    ['Fedora-Cloud-19-20261125.d.12', { ...day, type: 'development', respin: 12 }],
    ['Fedora-Cloud-19-updates-20261125.2', { ...day, releaseType: 'updates', type: 'production', respin: 2 }],
    ['Fedora-Cloud-19-updates-testing-20261125.n.0', { ...day, releaseType: 'updates-testing', type: 'nightly', respin: 0 }],
    ['RHEL-Server-7.9-20261125.0', { short: 'RHEL-Server', version: '7.9', date: '20261125', type: 'production', respin: 0 }],
    ['Fedora-Cloud-Rawhide-20261125.n.1', { short: 'Fedora-Cloud', version: 'Rawhide', date: '20261125', type: 'nightly', respin: 1 }],
  ])('%s is made from its parts and parsed back', (id, parts) => {
    expect(createComposeId(parts)).toBe(id);
    expect(parseComposeId(id)).toEqual(parts);
  });

  it('leaves a ga release type out of the id', () => {
    expect(createComposeId({ ...day, releaseType: 'ga', type: 'production', respin: 0 })).toBe('Fedora-Cloud-19-20261125.0');
  });

  it.each(['Fedora-Cloud-19', 'Fedora-Cloud-19-2026112.0', 'Fedora-Cloud-19-20261125.x.0', '19-20261125.0', 'Fedora-Cloud-19-20261125.n'])('%s is not a compose id', (id) => {
    expect(parseComposeId(id)).toBeUndefined();
  });

  it('rejects a bad date or respin', () => {
    expect(() => createComposeId({ ...day, date: '2026-11-25', type: 'production', respin: 0 })).toThrow(/YYYYMMDD/);
    expect(() => createComposeId({ ...day, type: 'production', respin: -1 })).toThrow(/respin/);
  });

  it('kiln\'s compose short name is the release short name and the variant', () => {
    expect(composeShort(FEDORA, 'Cloud')).toBe('Fedora-Cloud');
  });

  it('dates composes in local time', () => {
    expect(composeDate(new Date(2026, 10, 25, 23, 59))).toBe('20261125');
    expect(composeDate(new Date(2027, 0, 1, 0, 0))).toBe('20270101');
  });
});

describe('labels', () => {
  it.each(['Alpha-1.1', 'Beta-1.3', 'RC-1.6', 'EA-0.1', 'DevelPhaseExit-1.0', 'InternalAlpha-1.0', 'InternalSnapshot-2.1', 'Snapshot-1.10', 'Update-2.0', 'SecurityFix-1.1'])('%s is a productmd label', (label) => {
    expect(isValidLabel(label)).toBe(true);
    expect(verifyLabel(label)).toBe(label);
  });

  it.each(['Beta', 'Beta-1', 'beta-1.3', 'Final-1.0', 'RC-1.6.1', 'RC 1.6', 'Beta-1.3 ', 'GA-1.0'])('%s is not', (label) => {
    expect(isValidLabel(label)).toBe(false);
    expect(() => verifyLabel(label)).toThrow(expect.objectContaining({ code: 'LABEL_INVALID', usage: true }));
  });

  it.each<[string | undefined, string, string, boolean]>([
    ['Beta-1.3', '19_Beta', '1.3', false],
    ['Alpha-1.1', '19_Alpha', '1.1', false],
    ['RC-1.6', '19', '1.6', true],
    ['Update-2.0', '19_Update', '2.0', true],
    ['SecurityFix-1.1', '19_SecurityFix', '1.1', true],
    [undefined, '19', '20261125.n.0', false],
  ])('label %s: image version %s, release %s, final %s', (label, version, release, final) => {
    expect(imageVersion('19', label)).toBe(version);
    expect(imageRelease({ date: '20261125', type: 'nightly', respin: 0 }, label)).toBe(release);
    expect(isFinalLabel(label)).toBe(final);
  });

  it('an unlabelled production compose is released as date.respin', () => {
    expect(imageRelease({ date: '20261125', type: 'production', respin: 2 })).toBe('20261125.2');
  });

  it('parses a label and its major version', () => {
    expect(parseLabel('Beta-1.3')).toEqual({ milestone: 'Beta', number: '1.3' });
    expect(labelMajorVersion('Beta-1.3')).toBe('Beta-1');
  });

  it('a production compose needs a label, as in Pungi', () => {
    expect(() => checkComposeLabel('production', undefined)).toThrow(expect.objectContaining({ code: 'LABEL_REQUIRED', usage: true }));
    expect(() => checkComposeLabel('production', undefined, true)).not.toThrow();
    expect(() => checkComposeLabel('nightly', undefined)).not.toThrow();
    expect(() => checkComposeLabel('nightly', 'Beta-x')).toThrow(/not a productmd milestone label/);
  });
});

describe('file names', () => {
  it.each<[Parameters<typeof imageFileName>[0], string]>([
    [{ name: 'Fedora-Cloud-Base', version: '19_Beta', release: '1.3', arch: 'x86_64', extension: 'qcow2' }, 'Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2'],
    [{ name: 'Fedora-Cloud-Base', version: '19', release: '1.6', arch: 'i686', extension: 'raw.xz' }, 'Fedora-Cloud-Base-19-1.6.i386.raw.xz'],
    [{ name: 'Fedora-Cloud-Base-AmazonEC2', version: '19', release: '20261125.n.0', arch: 'x86_64', extension: 'raw' }, 'Fedora-Cloud-Base-AmazonEC2-19-20261125.n.0.x86_64.raw'],
  ])('image %j', (parts, name) => {
    expect(imageFileName(parts)).toBe(name);
  });

  it('an image stem is the name without its extension', () => {
    expect(imageStem({ name: 'A', version: '19', release: '1.3', arch: 'i686' })).toBe('A-19-1.3.i386');
  });

  it.each([
    [{ name: 'Fedora Cloud', version: '19', release: '1', arch: 'x86_64' as const, extension: 'qcow2' }, /image name/],
    [{ name: 'A', version: '19/x', release: '1', arch: 'x86_64' as const, extension: 'qcow2' }, /image version/],
    [{ name: 'A', version: '19', release: '1', arch: 'x86_64' as const, extension: '.qcow2' }, /extension/],
  ])('refuses %j', (parts, message) => {
    expect(() => imageFileName(parts)).toThrow(message);
  });

  it.each<[string, string, string, 'x86_64' | 'i686', string]>([
    ['19_Beta', '1.3', 'Cloud', 'x86_64', 'Fedora-Cloud-19_Beta-1.3-x86_64-CHECKSUM'],
    ['19', '1.6', 'Cloud', 'i686', 'Fedora-Cloud-19-1.6-i386-CHECKSUM'],
    ['19', '20261125.n.0', 'Cloud', 'x86_64', 'Fedora-Cloud-19-20261125.n.0-x86_64-CHECKSUM'],
  ])('CHECKSUM for %s-%s %s %s', (version, release, variant, arch, name) => {
    expect(checksumFileName({ short: 'Fedora', variant, version, release, arch })).toBe(name);
  });

  it.each([
    ['Fedora-Cloud-Base', 'Cloud_Base'],
    ['Fedora-Cloud-Base-AmazonEC2', 'Cloud_Base_AmazonEC2'],
    ['Fedora-Container-Base', 'Container_Base'],
    ['Fedora', 'Cloud'],
    ['CentOS-GenericCloud', 'CentOS_GenericCloud'],
  ])('the subvariant of %s is %s', (name, subvariant) => {
    expect(subvariantOf(name, 'Fedora', 'Cloud')).toBe(subvariant);
  });
});

describe('a compose identity', () => {
  it('gives the example its names (Beta-1.3)', () => {
    const c = composeIdentity(SPEC, { date: '20261125', type: 'production', respin: 0, label: 'Beta-1.3' });
    expect(c.id).toBe('Fedora-Cloud-19-20261125.0');
    expect(composeImageFileName(c, { name: 'Fedora-Cloud-Base' }, 'x86_64', 'qcow2')).toBe('Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2');
    expect(composeChecksumFileName(c, 'x86_64')).toBe('Fedora-Cloud-19_Beta-1.3-x86_64-CHECKSUM');
    expect(composeChecksumFileName(c, 'i686')).toBe('Fedora-Cloud-19_Beta-1.3-i386-CHECKSUM');
  });

  it('names a nightly by date, type and respin', () => {
    const c = composeIdentity(SPEC, { date: '20261125', type: 'nightly', respin: 1 });
    expect(c.id).toBe('Fedora-Cloud-19-20261125.n.1');
    expect(composeImageFileName(c, { name: 'Fedora-Cloud-Base' }, 'i686', 'raw.xz')).toBe('Fedora-Cloud-Base-19-20261125.n.1.i386.raw.xz');
  });

  it('puts a non-ga release type in the id', () => {
    expect(composeIdentity({ release: { ...FEDORA, type: 'updates' }, variant: 'Cloud' }, { date: '20261125', type: 'production', respin: 0, label: 'Update-1.0' }).id).toBe('Fedora-Cloud-19-updates-20261125.0');
  });

  it.each<[string | undefined, string | undefined, string, string]>([
    [undefined, undefined, '19_Beta', '1.3'],
    ['2', '5', '2', '5'],
    [undefined, '!RELEASE_FROM_DATE_RESPIN', '19_Beta', '20261125.4'],
    [undefined, '!RELEASE_FROM_LABEL_DATE_TYPE_RESPIN', '19_Beta', '1.3'],
    ['!VERSION_FROM_VERSION_DATE_RESPIN', undefined, '19.20261125.4', '1.3'],
    ['!VERSION_FROM_VERSION', undefined, '19', '1.3'],
  ])('per-image overrides version=%s release=%s', (version, release, v, r) => {
    const c = composeIdentity(SPEC, { date: '20261125', type: 'production', respin: 4, label: 'Beta-1.3' });
    expect(imageNvr(c, { version, release })).toEqual({ version: v, release: r });
  });

  it('refuses a bad label', () => {
    expect(() => composeIdentity(SPEC, { date: '20261125', type: 'production', respin: 0, label: 'Beta1.3' })).toThrow(/not a productmd milestone label/);
  });
});

describe('arches and placeholders', () => {
  it('uses i386 in compose names for i686', () => {
    expect(composeArch('i686')).toBe('i386');
    expect(composeArch('x86_64')).toBe('x86_64');
    expect(dropArch('i386')).toBe('i686');
    expect(dropArch('aarch64')).toBeUndefined();
  });

  it('expands the tree placeholders', () => {
    expect(treeFor('http://m/{arch}/{basearch}/{other}', 'i686')).toBe('http://m/i686/i386/{other}');
  });

  it('finds and expands placeholders', () => {
    expect(placeholdersIn('{label} of {compose_id}')).toEqual(['label', 'compose_id']);
    expect(expandPlaceholders('{label} of {compose_id}', { label: 'Beta-1.3', compose_id: 'X-20261125.0' })).toBe('Beta-1.3 of X-20261125.0');
  });

  it('fills EC2 tag values for an image and arch', () => {
    const beta = composeIdentity(SPEC, { date: '20261125', type: 'production', respin: 0, label: 'Beta-1.3' });
    const image = { name: 'Fedora-Cloud-Base-AmazonEC2', subvariant: 'Cloud_Base_AmazonEC2' };
    const values = tagPlaceholderValues(beta, image, 'i686');
    expect(values).toEqual({ label: 'Beta-1.3', compose_id: 'Fedora-Cloud-19-20261125.0', date: '20261125', respin: '0', compose_type: 'production', version: '19_Beta', release: '1.3', image: 'Fedora-Cloud-Base-AmazonEC2', subvariant: 'Cloud_Base_AmazonEC2', arch: 'i386' });
    expect(expandTags({ milestone: '{label}', name: '{image}-{version}-{release}.{arch}' }, values)).toEqual({ milestone: 'Beta-1.3', name: 'Fedora-Cloud-Base-AmazonEC2-19_Beta-1.3.i386' });
    const nightly = composeIdentity(SPEC, { date: '20261125', type: 'nightly', respin: 0 });
    expect(tagPlaceholderValues(nightly, image, 'x86_64').label).toBe('');
  });
});
