/**
 * The `images:` section of a drop spec: one entry per image, each built for every arch of the
 * drop (or the subset it names) and turned into its targets. Structure only; the files and
 * templates an entry names are checked by drop-spec-sources.ts.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Node } from 'yaml';
import { parseSize } from '../core/units.js';
import type { Arch } from '../core/arch.js';
import { TARGET_NAMES, type TargetName } from '../targets/types.js';
import { didYouMean } from '../template/kickstart/diagnostics.js';
import { dropArch } from './arches.js';
import { isNameGenerator, NAME_GENERATORS } from './compose-identity.js';
import type { DropImage, DropImageSource } from './drop-spec-types.js';
import { NAME_PART, subvariantOf } from './image-names.js';
import type { YamlReader } from './yaml-reader.js';

const IMAGE_KEYS = ['name', 'template', 'kickstart', 'tdl', 'vars', 'disk-size', 'targets', 'failable', 'arches', 'subvariant', 'version', 'release'] as const;
const SOURCE_KEYS = ['template', 'kickstart', 'tdl'] as const;

/** What an image installs from, with the nodes the source checks report against. */
export interface SourceCheck {
  /** `image Fedora-Cloud-Base` (or `images[2]` when the name is wrong). */
  at: string;
  source: DropImageSource;
  sourceNode: Node | null;
  varNodes: Map<string, Node | null>;
}

export interface ImagesContext {
  /** Directory of the spec file: kickstart and TDL paths are relative to it. */
  dir: string;
  arches: Arch[];
  releaseShort: string;
  variant: string;
}

export interface ImagesRead {
  images: DropImage[];
  /** False when some entry was wrong (and left out of `images`). */
  complete: boolean;
  /** The source of every entry that names one well, wrong entries included. */
  sources: SourceCheck[];
}

export function readImages(r: YamlReader, node: Node | null, ctx: ImagesContext): ImagesRead {
  const sources: SourceCheck[] = [];
  const items = r.list(node, 'images');
  if (!items) return { images: [], complete: false, sources };
  const images: DropImage[] = [];
  items.forEach((item, i) => {
    const image = readImage(r, item, `images[${i}]`, ctx, sources);
    if (!image) return;
    if (images.some((o) => o.name === image.name)) r.problem(item, `images[${i}]: image name '${image.name}' is used twice`);
    else if (images.some((o) => o.subvariant === image.subvariant)) {
      r.problem(item, `images[${i}]: subvariant '${image.subvariant}' is used twice (productmd tells images apart by it; give one a 'subvariant')`);
    } else images.push(image);
  });
  return { images, complete: images.length === items.length, sources };
}

function readImage(r: YamlReader, node: Node | null, where: string, ctx: ImagesContext, sources: SourceCheck[]): DropImage | undefined {
  const line = r.lineOf(node);
  const f = r.map(node, where, { required: ['name', 'targets'], optional: IMAGE_KEYS.filter((k) => k !== 'name' && k !== 'targets') });
  if (!f) return undefined;
  const name = f.has('name') ? r.text(f.get('name')!, `${where}.name`, { pattern: NAME_PART, expect: 'a file name part (letters, digits, . _ + ~ -)' }) : undefined;
  const at = name ? `image ${name}` : where;

  const given = SOURCE_KEYS.filter((k) => f.has(k));
  if (given.length !== 1) {
    r.problem(node, `${at}: give exactly one of template, kickstart or tdl${given.length ? ` (it has ${given.join(' and ')})` : ''}`);
  }
  const sourceKey = given[0];
  const sourceNode = sourceKey ? f.get(sourceKey)! : null;
  let source: DropImageSource | undefined;
  const value = sourceKey ? r.text(sourceNode, `${at}: ${sourceKey}`) : undefined;
  if (sourceKey && value !== undefined) {
    source = sourceKey === 'template' ? { kind: 'template', template: value } : { kind: sourceKey, path: isAbsolute(value) ? value : resolve(ctx.dir, value) };
  }

  const vars = f.has('vars') ? r.textMap(f.get('vars')!, `${at}: vars`) : { value: {}, keys: new Map<string, Node | null>() };
  if (f.has('vars') && sourceKey && sourceKey !== 'template') r.problem(f.get('vars')!, `${at}: vars apply to a template only, not to a ${sourceKey}`);
  if (source && given.length === 1) sources.push({ at, source, sourceNode, varNodes: vars?.keys ?? new Map() });

  let diskSize: string | undefined;
  let diskSizeBytes: number | undefined;
  if (f.has('disk-size')) {
    diskSize = r.text(f.get('disk-size')!, `${at}: disk-size`);
    if (diskSize !== undefined) {
      try {
        diskSizeBytes = parseSize(diskSize, 'disk-size');
      } catch (error) {
        r.problem(f.get('disk-size')!, `${at}: ${(error as Error).message} (use 4G, 4096M, 10GB)`);
        diskSize = undefined;
      }
    }
  }

  const targets = readTargets(r, f.get('targets') ?? null, at);
  const arches = f.has('arches') ? readArchSubset(r, f.get('arches')!, `${at}: arches`, ctx.arches) : ctx.arches;
  const failable = f.has('failable') ? readArchSubset(r, f.get('failable')!, `${at}: failable`, arches ?? ctx.arches, true) : [];

  const subvariant = f.has('subvariant') ? r.text(f.get('subvariant')!, `${at}: subvariant`, { pattern: /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/, expect: 'a subvariant name (letters, digits, _ . + -)' }) : undefined;
  const version = f.has('version') ? readNamePart(r, f.get('version')!, `${at}: version`) : undefined;
  const release = f.has('release') ? readNamePart(r, f.get('release')!, `${at}: release`) : undefined;

  if (!name || !source || !vars || !targets || !arches || !failable) return undefined;
  if (f.has('subvariant') && subvariant === undefined) return undefined;
  return {
    name,
    subvariant: subvariant ?? subvariantOf(name, ctx.releaseShort, ctx.variant),
    source,
    vars: vars.value,
    ...(diskSize !== undefined ? { diskSize, diskSizeBytes } : {}),
    targets,
    arches,
    failable,
    ...(version !== undefined ? { version } : {}),
    ...(release !== undefined ? { release } : {}),
    line,
  };
}

function readTargets(r: YamlReader, node: Node | null, at: string): TargetName[] | undefined {
  const list = r.textList(node, `${at}: targets`);
  if (!list) return undefined;
  let ok = true;
  for (const t of list) {
    if (!(TARGET_NAMES as readonly string[]).includes(t.value)) {
      r.problem(t.node, `${at}: unknown target '${t.value}'${didYouMean(t.value, TARGET_NAMES)}; known: ${TARGET_NAMES.join(', ')}`);
      ok = false;
    }
  }
  return ok ? list.map((t) => t.value as TargetName) : undefined;
}

/** A list of arches within `within`; `star` accepts Pungi's `['*']` (every arch of the image). */
export function readArchSubset(r: YamlReader, node: Node | null, where: string, within: readonly Arch[], star = false): Arch[] | undefined {
  const list = r.textList(node, where, !star);
  if (!list) return undefined;
  if (star && list.length === 1 && list[0]!.value === '*') return [...within];
  const out: Arch[] = [];
  let ok = true;
  for (const { value, node: item } of list) {
    const arch = dropArch(value);
    if (!arch) {
      ok = false;
      r.problem(item, `${where}: unknown arch '${value}'; kiln builds x86_64 and i686 (i386)`);
    } else if (!within.includes(arch)) {
      ok = false;
      r.problem(item, `${where}: arch '${value}' is not one of this drop's arches (${within.join(', ')})`);
    } else if (out.includes(arch)) {
      ok = false;
      r.problem(item, `${where}: '${value}' names ${arch} again`);
    } else out.push(arch);
  }
  return ok ? out : undefined;
}

function readNamePart(r: YamlReader, node: Node | null, where: string): string | undefined {
  const value = r.text(node, where);
  if (value === undefined) return undefined;
  if (value.startsWith('!')) {
    if (isNameGenerator(value)) return value;
    return r.problem(node, `${where}: unknown generator '${value}'${didYouMean(value, Object.keys(NAME_GENERATORS))}`);
  }
  if (!NAME_PART.test(value)) return r.problem(node, `${where} '${value}' is not a file name part (letters, digits, . _ + ~ -)`);
  return value;
}
