/**
 * A compose of `kiln drop` read as Koji import items: one build per image named as the drop
 * names it, every arch's images that are in the compose with the record's checksums, each arch's
 * buildroot and records, the boot test's logs; a failed failable image makes no build.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/core/run.js';
import { sha256 } from '../../src/core/hash.js';
import { itemsFromCompose } from '../../src/pipeline/koji/compose-items.js';
import type { DropItemRecord, DropRecord } from '../../src/pipeline/drop/record.js';
import { openStore, type BaseImage } from '../../src/store/store.js';
import { commitFixture } from '../targets/fixtures/fixture-store.js';

let dir: string;
let compose: string;
let bases: Record<'x86_64' | 'i686', BaseImage>;
const host = { os: 'debian-12', arch: 'x86_64', tools: [{ name: 'qemu', version: '7.2.15' }] };

function item(image: string, arch: 'x86_64' | 'i686', composeArch: string, files: string[], baseId?: string): DropItemRecord {
  return {
    image,
    arch,
    subvariant: image.replace('Fedora-', '').replaceAll('-', '_'),
    version: '19_Beta',
    release: '1.3',
    failable: false,
    steps: {},
    baseId,
    outputs: files.map((file) => ({ target: file.endsWith('.qcow2') ? 'openstack' : 'raw-xz', file, size: file.length, sha256: sha256(file), path: `Cloud/${composeArch}/images/${file}`, work: `work/${file}` })),
    amis: [],
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-koji-compose-'));
  const disk = join(dir, 'disk.qcow2');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '16M'], { timeoutMs: 30_000 });
  const store = join(dir, 'store');
  bases = {
    x86_64: await commitFixture(store, disk, { arch: 'x86_64', name: 'cloud', format: 'qcow2', seed: 'koji-compose-x86_64' }),
    i686: await commitFixture(store, disk, { arch: 'i686', name: 'cloud', format: 'qcow2', seed: 'koji-compose-i686' }),
  };
  compose = join(dir, 'Fedora-Cloud-19-20261126.0');
  const items = [
    item('Fedora-Cloud-Base', 'x86_64', 'x86_64', ['Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2', 'Fedora-Cloud-Base-19_Beta-1.3.x86_64.raw.xz'], bases.x86_64.id),
    item('Fedora-Cloud-Base', 'i686', 'i386', ['Fedora-Cloud-Base-19_Beta-1.3.i386.qcow2'], bases.i686.id),
    { ...item('Fedora-Cloud-Broken', 'i686', 'i386', []), failable: true, error: { code: 'INSTALL_FAILED', message: 'a %pre failed' } },
  ];
  for (const it of items) {
    for (const o of it.outputs) {
      await mkdir(join(compose, 'compose', o.path!, '..'), { recursive: true });
      await writeFile(join(compose, 'compose', o.path!), o.file);
    }
  }
  const testLogs = join(compose, 'logs/x86_64/Fedora-Cloud-Base/test/Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2');
  await mkdir(testLogs, { recursive: true });
  await writeFile(join(testLogs, 'console.log'), 'login:\n');
  const record: DropRecord = {
    schemaVersion: 1,
    kilnVersion: '0.1.0',
    composeId: 'Fedora-Cloud-19-20261126.0',
    variant: 'Cloud',
    spec: { file: 'cloud.drop.yaml', sha256: 'b'.repeat(64) },
    type: 'production',
    label: 'Beta-1.3',
    startedAt: '2026-11-26T01:00:00.000Z',
    updatedAt: '2026-11-26T02:00:00.000Z',
    items,
  };
  await mkdir(join(compose, 'compose/metadata'), { recursive: true });
  await writeFile(join(compose, 'compose/metadata/kiln.json'), JSON.stringify(record));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('itemsFromCompose', () => {
  it('makes one build per image that has images in the compose, named as the drop names them', async () => {
    const items = await itemsFromCompose({ dir: compose, store: openStore(join(dir, 'store')), host });
    expect(items.map((i) => i.nvr)).toEqual([{ name: 'Fedora-Cloud-Base', version: '19_Beta', release: '1.3' }]);
    const [base] = items;
    const images = base!.files.filter((f) => f.kind === 'image');
    expect(images.map((f) => [f.name, f.arch, f.buildroot, f.sha256])).toEqual([
      ['Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2', 'x86_64', bases.x86_64.id, sha256('Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2')],
      ['Fedora-Cloud-Base-19_Beta-1.3.x86_64.raw.xz', 'x86_64', bases.x86_64.id, sha256('Fedora-Cloud-Base-19_Beta-1.3.x86_64.raw.xz')],
      ['Fedora-Cloud-Base-19_Beta-1.3.i386.qcow2', 'i686', bases.i686.id, sha256('Fedora-Cloud-Base-19_Beta-1.3.i386.qcow2')],
    ]);
    expect(images[0]!.path).toBe(join(compose, 'compose/Cloud/x86_64/images/Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2'));
    expect(base!.buildroots.map((b) => b.key).sort()).toEqual([bases.x86_64.id, bases.i686.id].sort());
    expect(base!.files).toContainEqual(expect.objectContaining({ kind: 'log', subdir: 'x86_64/test', name: 'Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2-console.log' }));
    expect(base!.files).toContainEqual(expect.objectContaining({ kind: 'record', name: 'kiln-Fedora-Cloud-19-20261126.0.json' }));
    expect(base!.extra).toMatchObject({ compose: 'Fedora-Cloud-19-20261126.0', label: 'Beta-1.3' });
  });

  it('says which base image is missing from the store', async () => {
    await expect(itemsFromCompose({ dir: compose, store: openStore(join(dir, 'empty-store')), host })).rejects.toMatchObject({ code: 'KOJI_BASE_MISSING', message: expect.stringContaining('Fedora-Cloud-Base x86_64') });
  });

  it('refuses a directory that is not a compose of kiln drop', async () => {
    await expect(itemsFromCompose({ dir, store: openStore(join(dir, 'store')), host })).rejects.toMatchObject({ code: 'KOJI_NO_OUTPUTS' });
  });
});
