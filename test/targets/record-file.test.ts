import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findReusable, mergeRecordFile, readRecordFile } from '../../src/targets/record-file.js';
import type { TargetOutput } from '../../src/targets/types.js';

const output = (file: string, over: Partial<TargetOutput> = {}): TargetOutput => ({
  target: 'openstack',
  file,
  sha256: '0'.repeat(64),
  size: 5,
  virtualSize: 1024,
  format: 'qcow2',
  options: { compat: '1.1' },
  base: { id: 'b'.repeat(64), name: 'x', arch: 'x86_64' },
  createdAt: '2024-01-01T00:00:00.000Z',
  ...over,
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-record-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('targets.json', () => {
  it('merges runs: other files kept, a remade file replaced', async () => {
    await mergeRecordFile(dir, [output('a.x86_64.qcow2'), output('a.i686.qcow2', { base: { id: 'c'.repeat(64), name: 'x', arch: 'i686' } })]);
    await mergeRecordFile(dir, [output('a.x86_64.qcow2', { sha256: '1'.repeat(64) })]);
    const json = JSON.parse(await readFile(join(dir, 'targets.json'), 'utf8')) as { schemaVersion: number; outputs: TargetOutput[] };
    expect(json.schemaVersion).toBe(1);
    expect(json.outputs.map((o) => [o.file, o.sha256[0]])).toEqual([
      ['a.i686.qcow2', '0'],
      ['a.x86_64.qcow2', '1'],
    ]);
  });

  it('ignores an unreadable record', async () => {
    const other = await mkdtemp(join(dir, 'bad-'));
    await writeFile(join(other, 'targets.json'), '{ nope');
    expect(await readRecordFile(other)).toBeUndefined();
  });

  describe('findReusable', () => {
    const want = { target: 'openstack' as const, file: 'r.qcow2', baseId: 'b'.repeat(64), options: { compat: '1.1' } };
    beforeAll(async () => {
      await writeFile(join(dir, 'r.qcow2'), 'hello');
      await writeFile(join(dir, 'r.qcow2.sha256'), 'x  r.qcow2\n');
      await mergeRecordFile(dir, [output('r.qcow2')]);
    });

    it.each([
      ['the same output', {}, true],
      ['another base', { baseId: 'c'.repeat(64) }, false],
      ['other options', { options: { compat: '0.10' } }, false],
      ['another target', { target: 'raw-xz' as const }, false],
    ])('%s → %s', async (_name, change, reusable) => {
      const found = await findReusable(await readRecordFile(dir), dir, { ...want, ...change });
      expect(Boolean(found)).toBe(reusable);
    });

    it('not when the file changed size or its .sha256 is gone', async () => {
      await writeFile(join(dir, 'r.qcow2'), 'hello!');
      expect(await findReusable(await readRecordFile(dir), dir, want)).toBeUndefined();
      await writeFile(join(dir, 'r.qcow2'), 'hello');
      await rm(join(dir, 'r.qcow2.sha256'));
      expect(await findReusable(await readRecordFile(dir), dir, want)).toBeUndefined();
    });
  });
});

describe('targets.json from concurrent runs', () => {
  it('keeps every entry when several runs merge at once', async () => {
    const d = await mkdtemp(join(tmpdir(), 'kiln-record-race-'));
    try {
      await Promise.all(Array.from({ length: 8 }, (_, i) => mergeRecordFile(d, [output(`img-${i}.qcow2`)])));
      const json = JSON.parse(await readFile(join(d, 'targets.json'), 'utf8')) as { outputs: TargetOutput[] };
      expect(json.outputs.map((o) => o.file).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `img-${i}.qcow2`).sort());
      expect(await readdir(d)).toEqual(['targets.json']);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
