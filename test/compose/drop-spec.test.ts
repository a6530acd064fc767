import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDropSpec, parseDropSpec } from '../../src/compose/drop-spec.js';
import { treeFor } from '../../src/compose/arches.js';
import { isKilnError, type KilnError } from '../../src/core/errors.js';
import { sha256 } from '../../src/core/hash.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { regionProblem } from '../../src/providers/aws/regions.js';

/** kiln passes the AWS provider's region check; so do these tests. */
const CHECKS = { regionProblem };

const BASE = `release: { name: Fedora, short: Fedora, version: "19" }
variant: Cloud
arches: [x86_64, i686]
tree: http://mirror.example/fedora/19/{basearch}/os/
images:
  - name: Fedora-Cloud-Base
    template: fedora-cloud
    vars: { root_size: 3000 }
    disk-size: 4G
    targets: [openstack, raw-xz]
  - name: Fedora-Cloud-Base-AmazonEC2
    kickstart: cloud.ks
    targets: [ec2]
    failable: [i686]
publish:
  ec2: { regions: [us-east-1], public: false, tags: { milestone: "{label}" } }
test: boot
`;

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-drop-spec-'));
  file = join(dir, 'cloud.drop.yaml');
  await writeFile(join(dir, 'cloud.ks'), 'text\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function specError(text: string): Promise<KilnError> {
  try {
    await parseDropSpec(text, file, CHECKS);
  } catch (error) {
    if (isKilnError(error)) return error;
    throw error;
  }
  throw new Error('the spec was accepted');
}

function edit(from: string, to: string): string {
  if (!BASE.includes(from)) throw new Error(`base spec has no '${from}'`);
  return BASE.replace(from, to);
}

describe('parseDropSpec', () => {
  it('reads the base spec', async () => {
    const spec = await parseDropSpec(BASE, file, CHECKS);
    expect(spec.file).toBe(file);
    expect(spec.sha256).toBe(sha256(BASE));
    expect(spec.release).toEqual({ name: 'Fedora', short: 'Fedora', version: '19', type: 'ga' });
    expect(spec.arches).toEqual(['x86_64', 'i686']);
    expect(spec.images.map((i) => i.subvariant)).toEqual(['Cloud_Base', 'Cloud_Base_AmazonEC2']);
    expect(spec.images[0]).toMatchObject({ vars: { root_size: '3000' }, diskSize: '4G', diskSizeBytes: 4 * 1024 ** 3, targets: ['openstack', 'raw-xz'], arches: ['x86_64', 'i686'], failable: [], line: 6 });
    expect(spec.images[1]!.source).toEqual({ kind: 'kickstart', path: join(dir, 'cloud.ks') });
    expect(spec.images[1]!.failable).toEqual(['i686']);
    expect(spec.publish.ec2).toEqual({ regions: ['us-east-1'], public: false, tags: { milestone: '{label}' } });
    expect(spec.test).toBe('boot');
  });

  it('reads the shipped example spec (Fedora cloud drop)', async () => {
    const spec = await loadDropSpec(join(PROJECT_ROOT, 'test/fixtures/compose/fedora-cloud.drop.yaml'), CHECKS);
    expect(spec.arches).toEqual(['x86_64', 'i686']);
    expect(spec.images.map((i) => [i.name, i.subvariant])).toEqual([
      ['Fedora-Cloud-Base', 'Cloud_Base'],
      ['Fedora-Cloud-Base-AmazonEC2', 'Cloud_Base_AmazonEC2'],
      ['Fedora-Cloud-Appliance', 'Cloud_Appliance'],
      ['Fedora-Cloud-Oz', 'Cloud_Oz_Legacy'],
    ]);
    expect(spec.images[2]).toMatchObject({ source: { kind: 'kickstart', path: join(PROJECT_ROOT, 'test/fixtures/kickstarts/fedora-cloud-base.ks') }, arches: ['x86_64'], failable: ['x86_64'] });
    expect(spec.images[3]).toMatchObject({ source: { kind: 'tdl' }, release: '!RELEASE_FROM_DATE_RESPIN' });
    expect(treeFor(spec.tree, 'i686')).toBe('http://mirror.example/fedora/releases/19/Everything/i386/os/');
    expect(treeFor(spec.tree, 'x86_64')).toBe('http://mirror.example/fedora/releases/19/Everything/x86_64/os/');
  });

  it('defaults: release type ga, test boot, no publish; a relative tree is made absolute', async () => {
    const text = BASE.replace(/publish:[\s\S]*$/, '').replace('http://mirror.example/fedora/19/{basearch}/os/', 'trees/{arch}');
    const spec = await parseDropSpec(text, file, CHECKS);
    expect(spec.test).toBe('boot');
    expect(spec.publish).toEqual({});
    expect(spec.tree).toBe(join(dir, 'trees/{arch}'));
    expect(treeFor(spec.tree, 'i686')).toBe(join(dir, 'trees/i686'));
  });

  it('with endpoint-url, publish.ec2.regions may name any region the endpoint takes', async () => {
    const spec = await parseDropSpec(edit('regions: [us-east-1]', 'regions: [lab-1], endpoint-url: "http://127.0.0.1:4566"'), file, CHECKS);
    expect(spec.publish.ec2).toMatchObject({ regions: ['lab-1'], endpointUrl: 'http://127.0.0.1:4566' });
  });

  it('keeps a numeric version as written and lower-cases the release type', async () => {
    const spec = await parseDropSpec(edit('version: "19" }', 'version: 19.10, type: Updates }').replace('template: fedora-cloud', 'kickstart: cloud.ks').replace('    vars: { root_size: 3000 }\n', ''), file, CHECKS);
    expect(spec.release).toEqual({ name: 'Fedora', short: 'Fedora', version: '19.10', type: 'updates' });
  });

  it('reads YAML anchors and aliases (shared vars)', async () => {
    const text = edit('vars: { root_size: 3000 }', 'vars: &cloudvars { root_size: 3000 }').replace('    kickstart: cloud.ks\n', '    template: fedora-cloud\n    vars: *cloudvars\n');
    const spec = await parseDropSpec(text, file, CHECKS);
    expect(spec.images[1]!.vars).toEqual({ root_size: '3000' });
  });

  it('gives the same sha256 for the same text only', async () => {
    const a = await parseDropSpec(BASE, file, CHECKS);
    const b = await parseDropSpec(BASE.replace('test: boot', 'test: none'), file, CHECKS);
    expect(a.sha256).not.toBe(b.sha256);
    expect(b.test).toBe('none');
  });

  it.each([
    ['an unknown top-level key', edit('variant: Cloud', 'variant: Cloud\nvariants: [Server]'), 3, /unknown key 'variants'/],
    ['a misspelt key, with a suggestion', edit('test: boot', 'tset: boot'), 17, /unknown key 'tset'.*did you mean test/],
    ['a missing required key', edit('variant: Cloud\n', ''), 1, /'variant' is required/],
    ['arches as a string', edit('arches: [x86_64, i686]', 'arches: x86_64'), 3, /arches must be a list \(it is 'x86_64'\)/],
    ['an arch kiln does not build', edit('arches: [x86_64, i686]', 'arches: [x86_64, aarch64]'), 3, /unknown arch 'aarch64'/],
    ['i386 and i686 both', edit('arches: [x86_64, i686]', 'arches: [i386, i686]'), 3, /'i686' names i686 again/],
    ['a release version with a dash', edit('version: "19" }', 'version: "19-beta" }'), 1, /release.version '19-beta' is not a release version/],
    ['an unknown release type', edit('version: "19" }', 'version: "19", type: beta }'), 1, /release.type 'beta' is not a productmd release type/],
    ['a variant that is not a productmd id', edit('variant: Cloud', 'variant: Cloud-Base'), 2, /variant 'Cloud-Base' is not a productmd variant id/],
    ['an unknown tree placeholder', edit('{basearch}', '{base_arch}'), 4, /unknown placeholder \{base_arch\}/],
    ['an image name used twice', edit('name: Fedora-Cloud-Base-AmazonEC2', 'name: Fedora-Cloud-Base'), 11, /image name 'Fedora-Cloud-Base' is used twice/],
    ['a subvariant used twice', edit('    failable: [i686]', '    failable: [i686]\n    subvariant: Cloud_Base'), 11, /subvariant 'Cloud_Base' is used twice/],
    ['an image name with a space', edit('name: Fedora-Cloud-Base\n', 'name: Fedora Cloud\n'), 6, /images\[0\].name 'Fedora Cloud' is not a file name part/],
    ['an unknown target', edit('targets: [openstack, raw-xz]', 'targets: [openstack, raw-xzz]'), 10, /unknown target 'raw-xzz'.*did you mean raw-xz/],
    ['no targets', edit('targets: [openstack, raw-xz]', 'targets: []'), 10, /targets must not be empty/],
    ['a template kiln does not ship', edit('template: fedora-cloud', 'template: fedora-clod'), 7, /unknown guest template 'fedora-clod'.*did you mean fedora-cloud/],
    ['a template variable that does not exist', edit('root_size: 3000', 'root_sise: 3000'), 8, /has no variable 'root_sise'.*did you mean root_size/],
    ['a preseed template', edit('template: fedora-cloud', 'template: debian-cloud'), 7, /is a preseed, not a kickstart/],
    ['a release the template does not support', edit('version: "19" }', 'version: "12" }'), 7, /supports releases 19…\d+, not 12/],
    ['a kickstart that is not there', edit('kickstart: cloud.ks', 'kickstart: missing.ks'), 12, /kickstart .*missing\.ks does not exist/],
    ['a TDL that is a directory', edit('kickstart: cloud.ks', 'tdl: .'), 12, /tdl .* is not a file/],
    ['two sources', edit('    kickstart: cloud.ks\n', '    kickstart: cloud.ks\n    template: fedora-cloud\n'), 11, /exactly one of template, kickstart or tdl \(it has template and kickstart\)/],
    ['no source', edit('    kickstart: cloud.ks\n', ''), 11, /exactly one of template, kickstart or tdl/],
    ['vars for a kickstart', edit('    kickstart: cloud.ks\n', '    kickstart: cloud.ks\n    vars: { a: b }\n'), 13, /vars apply to a template only/],
    ['a bad disk size', edit('disk-size: 4G', 'disk-size: 4X'), 9, /invalid disk-size '4X'/],
    ['a failable arch the image is not built for', edit('failable: [i686]', 'failable: [aarch64]'), 14, /unknown arch 'aarch64'/],
    ['failable outside the image arches', edit('    failable: [i686]', '    arches: [x86_64]\n    failable: [i686]'), 15, /arch 'i686' is not one of this drop's arches \(x86_64\)/],
    ['public that is not a boolean', edit('public: false', 'public: "no"'), 16, /publish.ec2.public must be true or false/],
    ['a region that is not one', edit('regions: [us-east-1]', 'regions: [useast1]'), 16, /publish.ec2.regions: 'useast1' is not an AWS region/],
    ['a region AWS does not have', edit('regions: [us-east-1]', 'regions: [us-east-1, xx-nowhere-9]'), 16, /publish.ec2.regions: 'xx-nowhere-9' is not an AWS region/],
    ['a region name no endpoint takes', edit('regions: [us-east-1]', 'regions: ["us east"], endpoint-url: "http://127.0.0.1:4566"'), 16, /'us east' is not a region name/],
    ['an unknown tag placeholder', edit('{label}', '{lable}'), 16, /unknown placeholder \{lable\}.*did you mean label/],
    ['a reserved tag key', edit('tags: { milestone:', 'tags: { "kiln:compose":'), 16, /'kiln:compose' cannot be a tag key.*reserved/],
    ['an unknown publish key', edit('ec2: {', 'ec2: { endpoint: x,'), 16, /publish.ec2: unknown key 'endpoint'/],
    ['publish.ec2 with no ec2 image', edit('targets: [ec2]', 'targets: [raw-xz]'), 16, /publish.ec2 is set but no image has the ec2 target/],
    ['test that is neither boot nor none', edit('test: boot', 'test: yes'), 17, /test must be boot or none/],
    ['an unknown image generator', edit('    failable: [i686]', '    failable: [i686]\n    release: "!RELEASE_FROM_NOWHERE"'), 15, /unknown generator '!RELEASE_FROM_NOWHERE'/],
    ['a key given twice', edit('variant: Cloud', 'variant: Cloud\nvariant: Server'), 3, /a key is given twice/],
    ['broken YAML', edit('arches: [x86_64, i686]', 'arches: [x86_64, i686'), 4, /YAML:/],
    ['an empty file', '', 1, /the drop spec is empty/],
    ['a list at the top', '- a\n- b\n', 1, /the drop spec must be a mapping/],
  ])('rejects %s with file:line', async (_name, text, line, message) => {
    const err = await specError(text);
    expect(err.code).toBe('DROP_SPEC_INVALID');
    expect(err.usage).toBe(true);
    expect(err.exitCode).toBe(2);
    expect(err.source).toEqual({ file, line });
    expect(err.message).toMatch(message);
    expect(err.details[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}: `));
  });

  it('lists every problem, the first by line in the message', async () => {
    const text = edit('arches: [x86_64, i686]', 'arches: [x86_64, sparc]').replace('targets: [ec2]', 'targets: [ec3]').replace('test: boot', 'test: maybe');
    const err = await specError(text);
    expect(err.source?.line).toBe(3);
    expect(err.message).toMatch(/unknown arch 'sparc'.* \(and 2 more problems\)$/);
    expect(err.details.map((d) => Number(/:(\d+): /.exec(d)![1]))).toEqual([3, 13, 17]);
  });

  it('names the spec file when it cannot be read', async () => {
    await expect(loadDropSpec(join(dir, 'nope.yaml'), CHECKS)).rejects.toMatchObject({ code: 'DROP_SPEC_INVALID', usage: true, source: { file: resolve(dir, 'nope.yaml') } });
  });
});
