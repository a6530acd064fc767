/**
 * Prepared images kept for several runs of the targets: a drop makes the outputs of each image
 * and arch in a run of its own, and two images installed alike with the same cloud prep (the
 * generic image and the appliance of one arch, say) hold the same disk. With a cache the first
 * run prepares it (one libguestfs launch, one raw, one compressed qcow2) and the others use it,
 * also while the first is still preparing. The owner disposes of the cache when the drop ends.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PreparedImage } from './types.js';

export class PreparedCache {
  private readonly images = new Map<string, Promise<PreparedImage>>();
  private n = 0;

  /** `root`: where the prepared images live (on the outputs' filesystem, for hard links). */
  constructor(private readonly root: string) {}

  /** The prepared image for `key` (disk identity), made by `make` in a directory of the cache the first time. */
  use(key: string, make: (dir: string) => Promise<PreparedImage>): Promise<PreparedImage> {
    let image = this.images.get(key);
    if (!image) {
      const dir = join(this.root, `prepared-${this.n++}`);
      image = mkdir(this.root, { recursive: true }).then(() => make(dir));
      // A failed preparation is not kept: the next run tries again.
      image.catch(() => this.images.delete(key));
      this.images.set(key, image);
    }
    return image;
  }

  async dispose(): Promise<void> {
    this.images.clear();
    await rm(this.root, { recursive: true, force: true });
  }
}
