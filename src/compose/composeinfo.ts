/**
 * compose/metadata/composeinfo.json: the compose (id, date, type, respin, label, final), the
 * release and the drop's one variant with its arches and images paths, as Pungi writes it
 * (productmd.composeinfo; productmd stamps its current version, 1.2, on every file it writes).
 */
import type { Arch } from '../core/arch.js';
import { composeArch } from './arches.js';
import type { ComposeIdentity } from './compose-identity.js';
import { isFinalLabel } from './labels.js';
import { composeLayout } from './layout.js';
import { PRODUCTMD_VERSION } from './productmd-rules.js';

/** The compose section shared by composeinfo.json and images.json. */
export interface ComposeSectionJson {
  id: string;
  type: string;
  date: string;
  respin: number;
  label?: string;
  final?: boolean;
}

export interface VariantJson {
  id: string;
  uid: string;
  name: string;
  type: string;
  arches: string[];
  paths: Record<string, Record<string, string>>;
  variants?: string[];
}

export interface ComposeInfoJson {
  header: { type: 'productmd.composeinfo'; version: string };
  payload: {
    compose: ComposeSectionJson;
    release: { name: string; short: string; version: string; type: string; internal: boolean; is_layered?: boolean };
    variants: Record<string, VariantJson>;
  };
}

/** The compose section: `label` and `final` only for a labelled compose (as productmd writes it). */
export function composeSection(compose: ComposeIdentity, withLabel = true): ComposeSectionJson {
  const section: ComposeSectionJson = { id: compose.id, type: compose.type, date: compose.date, respin: compose.respin };
  if (withLabel && compose.label !== undefined) {
    section.label = compose.label;
    section.final = isFinalLabel(compose.label);
  }
  return section;
}

/** composeinfo.json for a drop built for `arches` (every arch has an images directory). */
export function buildComposeInfo(compose: ComposeIdentity, arches: readonly Arch[]): ComposeInfoJson {
  const layout = composeLayout('', compose.variant);
  const sorted = [...arches].sort((a, b) => (composeArch(a) < composeArch(b) ? -1 : 1));
  const variant: VariantJson = {
    id: compose.variant,
    uid: compose.variant,
    name: compose.variant,
    type: 'variant',
    arches: sorted.map(composeArch),
    paths: { images: Object.fromEntries(sorted.map((a) => [composeArch(a), layout.imagesPath(a)])) },
  };
  return {
    header: { type: 'productmd.composeinfo', version: PRODUCTMD_VERSION },
    payload: {
      compose: composeSection(compose),
      release: { name: compose.release.name, short: compose.release.short, version: compose.release.version, type: compose.release.type, internal: false },
      variants: { [compose.variant]: variant },
    },
  };
}
