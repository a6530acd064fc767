/**
 * An import item: everything one Koji build is made of, independent of where it came from. A
 * reader turns kiln's outputs into items (a directory of `kiln target` outputs today, a drop
 * later); the importer turns any item into Content Generator metadata and uploads, and knows
 * nothing about the reader.
 */

export interface Nvr {
  name: string;
  version: string;
  release: string;
}

export const nvrString = (n: Nvr): string => `${n.name}-${n.version}-${n.release}`;

/** A package installed in an image (from the base image's manifest). */
export interface ItemPackage {
  /** 'rpm' packages become Koji rpm components; others are kept in the buildroot's extra. */
  format: 'rpm' | 'deb';
  name: string;
  /** '0' when there is none. */
  epoch: string;
  version: string;
  release: string;
  arch: string;
  /** The rpm header's SIGMD5 (Koji's payloadhash), when the manifest has it. */
  sigmd5?: string;
}

/** Where (and with what) files were made: for kiln, one install of a base image. */
export interface ItemBuildroot {
  /** Unique within the item; files name their buildroot by it (kiln: the base image id). */
  key: string;
  host: { os: string; arch: string };
  /** kiln's version that made it (the content generator's version). */
  kilnVersion: string;
  tools: { name: string; version: string }[];
  /** What the image built here holds. */
  packages: ItemPackage[];
  /** Anything else worth keeping with the buildroot (kiln: accelerator, installer, timings). */
  extra?: Record<string, unknown>;
}

/** What a file is to Koji: an image, one of kiln's records (JSON/XML), or a build log. */
export type ItemFileKind = 'image' | 'record' | 'log';

export interface ItemFile {
  /** Local path of the file. */
  path: string;
  /** Its name in Koji (unique among the build's images and records; logs per subdir). */
  name: string;
  kind: ItemFileKind;
  /** Logs: the directory under the build's logs (e.g. the arch), so two arches' console.log do not clash. */
  subdir?: string;
  /** The image's arch (x86_64, i686); 'noarch' for logs. */
  arch: string;
  /** Key of the buildroot that made it. */
  buildroot: string;
  size: number;
  sha256: string;
  /** Kept with the archive in Koji (kiln: target, format, virtual size). */
  extra?: Record<string, unknown>;
}

export interface ImportItem {
  nvr: Nvr;
  /** What the build was made from: the kickstart or spec, and kiln's version. */
  source: string;
  /** Unix seconds. */
  startTime: number;
  endTime: number;
  buildroots: ItemBuildroot[];
  files: ItemFile[];
  /** Build-level facts kept in the build's extra under `kiln`. */
  extra?: Record<string, unknown>;
}
