/**
 * raw-tar-xz: `disk.raw` in a GNU sparse tar, compressed by xz with every core — the
 * `<name>.<arch>.raw.tar.xz` of Fedora's cloud image drops. Only the disk's data is read.
 */
import { basename, dirname } from 'node:path';
import { HashingWriter } from '../../image/hashing-writer.js';
import { writeTar } from '../../image/sparse-tar.js';
import { genericCloudPrep } from '../prep/spec.js';
import type { Target } from '../types.js';
import { xzLevelOptions, type XzLevelOptions } from '../xz-level.js';

export type RawTarXzOptions = XzLevelOptions;

export const rawTarXzTarget: Target<RawTarXzOptions> = {
  name: 'raw-tar-xz',
  summary: 'disk.raw in a sparse tar, xz-compressed with all cores',
  extension: () => 'raw.tar.xz',
  options: (raw) => xzLevelOptions('raw-tar-xz', raw),
  tools: () => ['qemu-img', 'tar', 'xz'],
  prep: () => genericCloudPrep(),
  async build(ctx, options) {
    const raw = await ctx.image.raw();
    const written = await HashingWriter.writeFile(
      ctx.outputPath,
      (writer) => writeTar({ cwd: dirname(raw), members: [basename(raw)], mtime: ctx.mtime, xz: { level: options.level }, signal: ctx.signal }, writer),
      (n) => ctx.progress(n),
    );
    return { sha256: written.sha256, size: written.bytes, format: 'tar+xz' };
  },
};
