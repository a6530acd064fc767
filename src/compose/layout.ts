/**
 * Where things are in a compose directory (the layout Pungi and productmd define):
 *
 *   <out>/<COMPOSE_ID>/COMPOSE_ID, STATUS
 *   <out>/<COMPOSE_ID>/compose/metadata/composeinfo.json, images.json, amis.json, kiln.json
 *   <out>/<COMPOSE_ID>/compose/<Variant>/<arch>/images/   the outputs and their CHECKSUM
 *   <out>/<COMPOSE_ID>/logs/<arch>/<image>/               each build's logs
 *
 * `<arch>` is the compose arch (i386 for kiln's i686). Paths in images.json and composeinfo.json
 * are relative to compose/ (imagePath). kiln.json is kiln's own record of what productmd cannot
 * hold (raw-tar-xz and appliance outputs, see target-formats.ts) and of the spec a compose was
 * made from; its content is the pipeline's.
 */
import { join } from 'node:path';
import type { Arch } from '../core/arch.js';
import { composeArch } from './arches.js';

export interface ComposeLayout {
  /** <out>/<COMPOSE_ID> */
  root: string;
  composeIdFile: string;
  statusFile: string;
  /** <root>/compose: what productmd paths are relative to. */
  topdir: string;
  metadataDir: string;
  composeinfoFile: string;
  imagesFile: string;
  amisFile: string;
  kilnFile: string;
  /** compose/<Variant>/<arch>/images (absolute). */
  imagesDir(arch: Arch): string;
  /** `<Variant>/<arch>/images/<file>`: an image's path as productmd records it. */
  imagePath(arch: Arch, file: string): string;
  /** `<Variant>/<arch>/images`: composeinfo's per-arch images path. */
  imagesPath(arch: Arch): string;
  /** logs/<arch>/<image> (absolute). */
  logsDir(arch: Arch, image: string): string;
}

export function composeLayout(root: string, variant: string): ComposeLayout {
  const topdir = join(root, 'compose');
  const metadataDir = join(topdir, 'metadata');
  const imagesPath = (arch: Arch) => `${variant}/${composeArch(arch)}/images`;
  return {
    root,
    composeIdFile: join(root, 'COMPOSE_ID'),
    statusFile: join(root, 'STATUS'),
    topdir,
    metadataDir,
    composeinfoFile: join(metadataDir, 'composeinfo.json'),
    imagesFile: join(metadataDir, 'images.json'),
    amisFile: join(metadataDir, 'amis.json'),
    kilnFile: join(metadataDir, 'kiln.json'),
    imagesDir: (arch) => join(topdir, imagesPath(arch)),
    imagePath: (arch, file) => `${imagesPath(arch)}/${file}`,
    imagesPath,
    logsDir: (arch, image) => join(root, 'logs', composeArch(arch), image),
  };
}
