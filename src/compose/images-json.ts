/**
 * compose/metadata/images.json (productmd.images): one entry per image a productmd consumer can
 * use, under variant and compose arch, sorted by path. Fields are filled as Pungi's image-build
 * phase fills them for disk images: disc 1 of 1, not bootable media, no volume id, no implanted
 * MD5, the sha256 computed while the file was written.
 */
import type { Arch } from '../core/arch.js';
import type { TargetName } from '../targets/types.js';
import { composeArch } from './arches.js';
import type { ComposeIdentity } from './compose-identity.js';
import { composeSection, type ComposeSectionJson } from './composeinfo.js';
import { composeLayout } from './layout.js';
import { PRODUCTMD_VERSION } from './productmd-rules.js';
import { productmdImageKind } from './target-formats.js';

export interface ImageJson {
  arch: string;
  bootable: boolean;
  checksums: Record<string, string>;
  disc_count: number;
  disc_number: number;
  format: string;
  implant_md5: string | null;
  mtime: number;
  path: string;
  size: number;
  subvariant: string;
  type: string;
  volume_id: string | null;
}

export interface ImagesJson {
  header: { type: 'productmd.images'; version: string };
  payload: { compose: ComposeSectionJson; images: Record<string, Record<string, ImageJson[]>> };
}

export interface ComposeOutput {
  /** Which image of the spec (its subvariant) and arch. */
  subvariant: string;
  arch: Arch;
  target: TargetName;
  /** File name in the arch's images directory. */
  file: string;
  size: number;
  /** Seconds since the epoch (Pungi records int(st_mtime)). */
  mtime: number;
  sha256: string;
}

/** The images.json entry for one output, or undefined when productmd has no type for its target. */
export function imageEntry(compose: ComposeIdentity, output: ComposeOutput): ImageJson | undefined {
  const kind = productmdImageKind(output.target);
  if (!kind) return undefined;
  return {
    arch: composeArch(output.arch),
    bootable: false,
    checksums: { sha256: output.sha256 },
    disc_count: 1,
    disc_number: 1,
    format: kind.format,
    implant_md5: null,
    mtime: Math.trunc(output.mtime),
    path: composeLayout('', compose.variant).imagePath(output.arch, output.file),
    size: output.size,
    subvariant: output.subvariant,
    type: kind.type,
    volume_id: null,
  };
}

/** images.json for the outputs (those productmd cannot describe are left out). */
export function buildImagesJson(compose: ComposeIdentity, outputs: readonly ComposeOutput[]): ImagesJson {
  const byArch: Record<string, ImageJson[]> = {};
  for (const output of outputs) {
    const entry = imageEntry(compose, output);
    if (entry) (byArch[entry.arch] ??= []).push(entry);
  }
  for (const list of Object.values(byArch)) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    header: { type: 'productmd.images', version: PRODUCTMD_VERSION },
    // Pungi's image manifest carries the compose's id, type, date and respin, not its label.
    payload: { compose: composeSection(compose, false), images: Object.keys(byArch).length ? { [compose.variant]: byArch } : {} },
  };
}
