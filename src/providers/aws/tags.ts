/**
 * Tags kiln puts on what it creates: the user's, plus kiln:sha256 (the image's content hash, the
 * key of idempotency), kiln:name and kiln:version, kiln:compose for a drop's images, and Name
 * unless the user set one.
 */
import { KILN_VERSION } from '../../core/version.js';
import { TAG } from './types.js';

export interface Tag {
  Key: string;
  Value: string;
}

export function kilnTags(sha256: string, name: string, userTags: Record<string, string> = {}, compose?: string): Tag[] {
  const tags: Tag[] = Object.entries(userTags).map(([Key, Value]) => ({ Key, Value }));
  if (!('Name' in userTags)) tags.push({ Key: 'Name', Value: name });
  tags.push({ Key: TAG.sha256, Value: sha256 }, { Key: TAG.name, Value: name }, { Key: TAG.version, Value: KILN_VERSION });
  if (compose !== undefined) tags.push({ Key: TAG.compose, Value: compose });
  return tags;
}

/**
 * The value of kiln's completion mark (TAG.upload): set only once kiln itself completed the upload,
 * naming the image (its sha256) and what the snapshot holds (the blocks sent, or "import").
 */
export function completionMark(sha256: string, blocks: number | 'import'): string {
  return `complete sha256=${sha256} blocks=${blocks}`;
}

/** The mark read back; undefined when it is missing or not kiln's current format (an older 'complete'). */
export function parseCompletionMark(value: string | undefined): { sha256: string; blocks: number | 'import' } | undefined {
  const m = /^complete sha256=([0-9a-f]{64}) blocks=(\d+|import)$/.exec(value ?? '');
  return m ? { sha256: m[1]!, blocks: m[2] === 'import' ? 'import' : Number(m[2]) } : undefined;
}

/** The value of `key` in an SDK tag list. */
export function tagValue(tags: { Key?: string; Value?: string }[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}
