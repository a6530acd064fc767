import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256File } from '../../src/core/hash.js';
import { run } from '../../src/core/run.js';
import { checkImage, convertImage, createImage, createOverlay, imageInfo } from '../../src/image/qemu-img.js';
import { readSparseMap } from '../../src/image/sparse-map.js';
import { makeSparseFile, MiB } from './fixtures/sparse-file.js';

describe('qemu-img (real)', () => {
  let dir: string;
  let base: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-qemu-img-'));
    base = join(dir, 'base.raw');
    await makeSparseFile(base, 64 * MiB, [{ offset: 0, length: MiB }, { offset: 40 * MiB, length: 2 * MiB }]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('makes an overlay backed by the base, and the base stays as it was', async () => {
    const before = await sha256File(base);
    const overlay = join(dir, 'overlay.qcow2');
    await createOverlay(base, 'raw', overlay);
    const info = await imageInfo(overlay);
    expect(info).toMatchObject({ format: 'qcow2', virtualSize: 64 * MiB, backingFile: base, backingFormat: 'raw' });
    await convertImage({ src: overlay, srcFormat: 'qcow2', dst: join(dir, 'copy.raw'), dstFormat: 'raw' });
    expect(await sha256File(join(dir, 'copy.raw'))).toBe(before);
    expect(await sha256File(base)).toBe(before);
  });

  it.each(['1.1', '0.10'] as const)('converts to a clean compressed qcow2 with compat %s', async (compat) => {
    const out = join(dir, `c-${compat}.qcow2`);
    await convertImage({ src: base, srcFormat: 'raw', dst: out, dstFormat: 'qcow2', compress: true, compat });
    expect(await imageInfo(out)).toMatchObject({ format: 'qcow2', compat, virtualSize: 64 * MiB });
    expect(await checkImage(out)).toEqual({ corruptions: 0, leaks: 0, ok: true });
  });

  it('compresses only when asked, and writes compat 1.1 unless asked for 0.10', async () => {
    // Text compresses; the random data of `base` would be stored as it is even when asked.
    const text = join(dir, 'text.raw');
    await writeFile(text, 'kiln writes text\n'.repeat(MiB / 16));
    const clusters = async (file: string) => {
      const { stdout } = await run('qemu-img', ['check', '--output=json', file], { timeoutMs: 60_000 });
      return (JSON.parse(stdout) as { 'compressed-clusters'?: number })['compressed-clusters'] ?? 0;
    };
    for (const compress of [true, false]) {
      const out = join(dir, `text-${compress}.qcow2`);
      await convertImage({ src: text, srcFormat: 'raw', dst: out, dstFormat: 'qcow2', compress });
      expect(await clusters(out) > 0, `compress: ${compress}`).toBe(compress);
      expect((await imageInfo(out)).compat).toBe('1.1');
    }
  });

  it('refuses to compress a raw target, before running anything', async () => {
    const out = join(dir, 'never.raw');
    await expect(convertImage({ src: base, srcFormat: 'raw', dst: out, dstFormat: 'raw', compress: true })).rejects.toThrow(/only qcow2/);
    await expect(access(out)).rejects.toThrow();
  });

  it('keeps a raw conversion sparse: only the data is allocated', async () => {
    const out = join(dir, 'sparse.raw');
    await convertImage({ src: base, srcFormat: 'raw', dst: out, dstFormat: 'raw' });
    expect((await readSparseMap(out, { format: 'raw' })).dataBytes).toBe(3 * MiB);
  });

  it('creates empty images of a given size', async () => {
    await createImage(join(dir, 'data.qcow2'), 'qcow2', 10 * MiB);
    expect(await imageInfo(join(dir, 'data.qcow2'))).toMatchObject({ format: 'qcow2', virtualSize: 10 * MiB });
  });
});
