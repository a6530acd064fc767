/**
 * One compose's identity (release, variant, date, type, respin, label → compose id) and the names
 * derived from it: each image's version and release (with Pungi's per-image overrides) and file
 * names, and each arch's CHECKSUM file name.
 */
import { usageError } from '../core/errors.js';
import type { Arch } from '../core/arch.js';
import { composeShort, createComposeId, type ComposeType } from './compose-id.js';
import type { DropImage, DropRelease } from './drop-spec-types.js';
import { checksumFileName, imageFileName } from './image-names.js';
import { imageRelease, imageVersion, verifyLabel } from './labels.js';

export interface ComposeIdentity {
  /** Fedora-Cloud-19-20261125.0 */
  id: string;
  release: DropRelease;
  variant: string;
  /** YYYYMMDD */
  date: string;
  type: ComposeType;
  respin: number;
  label?: string;
}

export interface ComposeWhen {
  date: string;
  type: ComposeType;
  respin: number;
  label?: string;
}

export function composeIdentity(spec: { release: DropRelease; variant: string }, when: ComposeWhen): ComposeIdentity {
  if (when.label !== undefined) verifyLabel(when.label);
  const id = createComposeId({
    short: composeShort(spec.release, spec.variant),
    version: spec.release.version,
    releaseType: spec.release.type,
    date: when.date,
    type: when.type,
    respin: when.respin,
  });
  return { id, release: spec.release, variant: spec.variant, date: when.date, type: when.type, respin: when.respin, ...(when.label !== undefined ? { label: when.label } : {}) };
}

/**
 * Pungi's version generators, accepted as an image's `version`/`release` in the spec. Any other
 * value is used as written.
 */
export const NAME_GENERATORS = {
  '!RELEASE_FROM_LABEL_DATE_TYPE_RESPIN': (c: ComposeIdentity) => imageRelease(c, c.label),
  '!RELEASE_FROM_DATE_RESPIN': (c: ComposeIdentity) => `${c.date}.${c.respin}`,
  '!VERSION_FROM_VERSION_DATE_RESPIN': (c: ComposeIdentity) => `${c.release.version}.${c.date}.${c.respin}`,
  '!VERSION_FROM_VERSION': (c: ComposeIdentity) => c.release.version,
} as const satisfies Record<string, (c: ComposeIdentity) => string>;

export function isNameGenerator(value: string): value is keyof typeof NAME_GENERATORS {
  return Object.hasOwn(NAME_GENERATORS, value);
}

function generated(value: string, compose: ComposeIdentity): string {
  if (isNameGenerator(value)) return NAME_GENERATORS[value](compose);
  if (value.startsWith('!')) throw usageError(`unknown version generator '${value}'`, `Known: ${Object.keys(NAME_GENERATORS).join(', ')}.`);
  return value;
}

/** The compose-wide image version and release (no per-image override): 19_Beta / 1.3. */
export function composeImageNvr(compose: ComposeIdentity): { version: string; release: string } {
  return { version: imageVersion(compose.release.version, compose.label), release: imageRelease(compose, compose.label) };
}

/** An image's version and release: its overrides (literal or generator), else the compose's. */
export function imageNvr(compose: ComposeIdentity, image: Pick<DropImage, 'version' | 'release'>): { version: string; release: string } {
  const base = composeImageNvr(compose);
  return {
    version: image.version !== undefined ? generated(image.version, compose) : base.version,
    release: image.release !== undefined ? generated(image.release, compose) : base.release,
  };
}

/** Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2 */
export function composeImageFileName(compose: ComposeIdentity, image: Pick<DropImage, 'name' | 'version' | 'release'>, arch: Arch, extension: string): string {
  return imageFileName({ name: image.name, ...imageNvr(compose, image), arch, extension });
}

/** Fedora-Cloud-19_Beta-1.3-x86_64-CHECKSUM */
export function composeChecksumFileName(compose: ComposeIdentity, arch: Arch): string {
  return checksumFileName({ short: compose.release.short, variant: compose.variant, ...composeImageNvr(compose), arch });
}
