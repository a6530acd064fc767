/**
 * File names inside a compose, as Pungi and Fedora name them:
 * - an image: `<name>-<version>-<release>.<arch>.<ext>` (the Koji image-build NVR, what Pungi
 *   links into compose/<Variant>/<arch>/images/): Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2;
 * - the per-directory checksum file: `<short>-<Variant>-<version>-<release>-<arch>-CHECKSUM`, the
 *   name Fedora publishes (Fedora-Cloud-19_Beta-1.3-x86_64-CHECKSUM); for a nightly the release
 *   is the date, type and respin: Fedora-Cloud-19-20261125.n.0-x86_64-CHECKSUM;
 * - the productmd subvariant of an image: see subvariantOf.
 * `<arch>` is always the compose arch (i386 for kiln's i686, see arches.ts).
 */
import { usageError } from '../core/errors.js';
import type { Arch } from '../core/arch.js';
import { composeArch } from './arches.js';

/** Letters, digits and . _ + ~ - (what an output file name may hold), starting with a letter or digit. */
export const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;

function checkPart(value: string, what: string): void {
  if (!NAME_PART.test(value)) {
    throw usageError(`invalid ${what} '${value}' for a file name`, 'Use letters, digits and . _ + ~ - (no spaces or slashes), starting with a letter or digit.');
  }
}

export interface ImageNameParts {
  name: string;
  /** The image version (19, 19_Beta): see imageVersion in labels.ts. */
  version: string;
  /** The image release (1.3, 20261125.n.0): see imageRelease in labels.ts. */
  release: string;
  arch: Arch;
  /** Extension without the leading dot: qcow2, raw.xz, raw, raw.tar.xz. */
  extension: string;
}

/** `Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2`. */
export function imageFileName(parts: ImageNameParts): string {
  checkPart(parts.name, 'image name');
  checkPart(parts.version, 'image version');
  checkPart(parts.release, 'image release');
  if (!/^[a-z0-9]+(\.[a-z0-9]+)*$/.test(parts.extension)) throw usageError(`invalid file extension '${parts.extension}'`);
  return `${parts.name}-${parts.version}-${parts.release}.${composeArch(parts.arch)}.${parts.extension}`;
}

/** The stem of imageFileName without the extension (`Fedora-Cloud-Base-19_Beta-1.3.x86_64`). */
export function imageStem(parts: Omit<ImageNameParts, 'extension'>): string {
  return imageFileName({ ...parts, extension: 'x' }).slice(0, -2);
}

export interface ChecksumNameParts {
  /** release.short (Fedora). */
  short: string;
  /** The variant (Cloud). */
  variant: string;
  version: string;
  release: string;
  arch: Arch;
}

/** `Fedora-Cloud-19_Beta-1.3-x86_64-CHECKSUM`: one per images directory. */
export function checksumFileName(parts: ChecksumNameParts): string {
  checkPart(parts.short, 'release short name');
  checkPart(parts.variant, 'variant');
  checkPart(parts.version, 'image version');
  checkPart(parts.release, 'image release');
  return `${parts.short}-${parts.variant}-${parts.version}-${parts.release}-${composeArch(parts.arch)}-CHECKSUM`;
}

/**
 * The productmd subvariant of an image. Pungi takes an image's `subvariant` from its config and
 * falls back to the variant uid; Fedora's config gives each image the subvariant its name carries
 * after the release short name, dashes made underscores (Fedora-Cloud-Base → Cloud_Base,
 * Fedora-Container-Base → Container_Base). kiln applies that rule when the spec gives none; a name
 * that is only the short name (or does not start with it) keeps the variant's or its own name.
 */
export function subvariantOf(imageName: string, releaseShort: string, variant: string): string {
  const prefix = `${releaseShort}-`;
  const rest = imageName.startsWith(prefix) ? imageName.slice(prefix.length) : imageName === releaseShort ? '' : imageName;
  return rest === '' ? variant : rest.replace(/-/g, '_');
}
