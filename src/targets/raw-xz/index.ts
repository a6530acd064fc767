/**
 * raw-xz: the raw disk as `.raw.xz` (what later Fedora drops ship). Holes are written as cached
 * zero streams and never read or compressed (see src/image/sparse-xz.ts).
 */
import { HashingWriter } from '../../image/hashing-writer.js';
import { readSparseMap } from '../../image/sparse-map.js';
import { writeSparseXz } from '../../image/sparse-xz.js';
import { genericCloudPrep } from '../prep/spec.js';
import type { Target } from '../types.js';
import { xzLevelOptions, type XzLevelOptions } from '../xz-level.js';

export type RawXzOptions = XzLevelOptions;

export const rawXzTarget: Target<RawXzOptions> = {
  name: 'raw-xz',
  summary: 'raw disk as .raw.xz (concatenated xz streams; holes never read)',
  extension: () => 'raw.xz',
  options: (raw) => xzLevelOptions('raw-xz', raw),
  tools: () => ['qemu-img', 'xz'],
  prep: () => genericCloudPrep(),
  async build(ctx, options) {
    const raw = await ctx.image.raw();
    const map = await readSparseMap(raw, { format: 'raw', signal: ctx.signal });
    const written = await HashingWriter.writeFile(
      ctx.outputPath,
      async (writer) => {
        const stats = await writeSparseXz({ raw, map, writer, zeroCacheDir: ctx.zeroCacheDir, xz: { level: options.level }, signal: ctx.signal });
        ctx.emit({
          type: 'message',
          level: 'debug',
          text: `raw-xz: compressed ${stats.bytesCompressed} bytes in ${stats.segments} segments, ${stats.holeBytes} bytes of holes from cache`,
        });
      },
      (n) => ctx.progress(n),
    );
    return { sha256: written.sha256, size: written.bytes, format: 'xz' };
  },
};
