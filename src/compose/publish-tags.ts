/**
 * The EC2 tags of one published image: the spec's `publish.ec2.tags` with their placeholders
 * filled for the compose, the image and the arch (TAG_PLACEHOLDERS says what each one is).
 */
import type { Arch } from '../core/arch.js';
import { composeArch } from './arches.js';
import { imageNvr, type ComposeIdentity } from './compose-identity.js';
import type { DropImage } from './drop-spec-types.js';
import { expandPlaceholders, type TagPlaceholder } from './placeholders.js';

export function tagPlaceholderValues(compose: ComposeIdentity, image: Pick<DropImage, 'name' | 'subvariant' | 'version' | 'release'>, arch: Arch): Record<TagPlaceholder, string> {
  const nvr = imageNvr(compose, image);
  return {
    label: compose.label ?? '',
    compose_id: compose.id,
    date: compose.date,
    respin: String(compose.respin),
    compose_type: compose.type,
    version: nvr.version,
    release: nvr.release,
    image: image.name,
    subvariant: image.subvariant,
    arch: composeArch(arch),
  };
}

export function expandTags(tags: Readonly<Record<string, string>>, values: Readonly<Record<TagPlaceholder, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, expandPlaceholders(v, values)]));
}
