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

/** The value of `key` in an SDK tag list. */
export function tagValue(tags: { Key?: string; Value?: string }[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}
