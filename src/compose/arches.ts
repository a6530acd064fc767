/**
 * Arches in a drop. kiln's own name for 32-bit x86 is i686 (the store, targets, guests); a compose
 * uses the base arch, as Pungi and Fedora do: compose/Cloud/i386/images/…i386.qcow2, `i386` in
 * composeinfo.json and images.json, `…-i386-CHECKSUM`. x86_64 is the same in both.
 */
import { isKilnError } from '../core/errors.js';
import type { Arch } from '../core/arch.js';
import { normalizeArch } from '../template/image-spec.js';
import { expandPlaceholders } from './placeholders.js';

export const DROP_ARCHES: readonly Arch[] = ['x86_64', 'i686'];

/** The arch as a compose names it (productmd/Pungi base arch). */
export type ComposeArch = 'x86_64' | 'i386';

const BASEARCH: Record<Arch, ComposeArch> = { x86_64: 'x86_64', i686: 'i386' };

export function composeArch(arch: Arch): ComposeArch {
  return BASEARCH[arch];
}

/** kiln's arch for a name a user or a compose gives (i386 → i686); undefined when kiln does not build it. */
export function dropArch(name: string): Arch | undefined {
  try {
    return normalizeArch(name);
  } catch (error) {
    if (isKilnError(error)) return undefined;
    throw error;
  }
}

/** The placeholders a tree location may hold, and their values for `arch`. */
export function treePlaceholders(arch: Arch): Record<string, string> {
  return { arch, basearch: composeArch(arch) };
}

/** The install tree for one arch: `{arch}` → x86_64 | i686, `{basearch}` → x86_64 | i386. */
export function treeFor(tree: string, arch: Arch): string {
  return expandPlaceholders(tree, treePlaceholders(arch));
}
