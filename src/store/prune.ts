/**
 * Which entries `kiln images prune` removes: every damaged one, and of the rest those beyond the
 * N newest of each image (name, version and arch: the builds of one image over time) and/or older
 * than a given age. With neither limit, only damaged entries go.
 */
import type { BaseImage } from './store.js';

export interface PruneRule {
  /** Keep the N newest of each image. */
  keep?: number;
  /** Remove only entries older than this many milliseconds. */
  olderThanMs?: number;
}

export interface PruneChoice {
  image: BaseImage;
  why: string;
}

const imageOf = (b: BaseImage) => `${b.record.name}\0${b.record.version ?? ''}\0${b.record.arch}`;

export function choosePrune(images: readonly BaseImage[], rule: PruneRule, now = Date.now()): PruneChoice[] {
  const chosen: PruneChoice[] = images.filter((b) => b.damaged).map((image) => ({ image, why: `damaged: ${image.damaged}` }));
  if (rule.keep === undefined && rule.olderThanMs === undefined) return chosen;
  const groups = new Map<string, BaseImage[]>();
  for (const b of images) if (!b.damaged) groups.set(imageOf(b), [...(groups.get(imageOf(b)) ?? []), b]);
  for (const group of groups.values()) {
    const newestFirst = [...group].sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt));
    newestFirst.forEach((image, rank) => {
      const age = now - Date.parse(image.record.createdAt);
      const beyondKeep = rule.keep === undefined || rank >= rule.keep;
      const oldEnough = rule.olderThanMs === undefined || age > rule.olderThanMs;
      if (!beyondKeep || !oldEnough) return;
      const why = [rule.keep !== undefined ? `not among the ${rule.keep} newest` : '', rule.olderThanMs !== undefined ? `older than the limit` : ''].filter(Boolean).join(', ');
      chosen.push({ image, why });
    });
  }
  return chosen;
}
