/**
 * Content Generator metadata version 0 (Koji's docs/source/content_generator_metadata.rst) for an
 * image build, from an import item: the build (NVR, source, times, typeinfo image), one buildroot
 * per item buildroot (host, content generator, container none, tools, rpm components), and every
 * file as an output (images and kiln's records as image archives with extra.image.arch, logs as
 * logs under their subdir). Packages that are not rpms cannot be Koji components: they are kept
 * in the buildroot's extra.
 */
import type { ImportItem, ItemBuildroot, ItemFile, ItemPackage } from './item.js';

export interface CgRpmComponent {
  type: 'rpm';
  name: string;
  version: string;
  release: string;
  epoch: number | null;
  arch: string;
  sigmd5: string | null;
  signature: string | null;
}

export interface CgBuildroot {
  id: number;
  host: { os: string; arch: string };
  content_generator: { name: string; version: string };
  container: { type: 'none'; arch: string };
  tools: { name: string; version: string }[];
  components: CgRpmComponent[];
  extra: Record<string, unknown>;
}

export interface CgOutput {
  buildroot_id: number;
  filename: string;
  filesize: number;
  arch: string;
  checksum: string;
  checksum_type: 'sha256';
  type: 'image' | 'log';
  /** Where the file is in the upload directory (logs: their subdir). */
  relpath?: string;
  /** Logs: the directory under the build's logs. */
  subdir?: string;
  components?: CgRpmComponent[];
  extra?: Record<string, unknown>;
}

export interface CgMetadata {
  metadata_version: 0;
  build: {
    name: string;
    version: string;
    release: string;
    source: string;
    start_time: number;
    end_time: number;
    build_id?: number;
    owner?: string;
    extra: { typeinfo: { image: Record<string, unknown> }; [key: string]: unknown };
  };
  buildroots: CgBuildroot[];
  output: CgOutput[];
}

export interface MetadataOptions {
  /** Content generator name (the hub's grantCGAccess name). */
  cg: string;
  /** The reserved build (CGInitBuild). */
  buildId?: number;
}

function rpmComponent(p: ItemPackage): CgRpmComponent {
  const epoch = p.epoch && p.epoch !== '0' && /^\d+$/.test(p.epoch) ? Number(p.epoch) : null;
  return { type: 'rpm', name: p.name, version: p.version, release: p.release, epoch, arch: p.arch, sigmd5: p.sigmd5 ?? null, signature: null };
}

function buildroot(b: ItemBuildroot, id: number, cg: string): CgBuildroot {
  const rpms = b.packages.filter((p) => p.format === 'rpm');
  const others = b.packages.filter((p) => p.format !== 'rpm');
  const kiln: Record<string, unknown> = { ...b.extra };
  if (others.length > 0) {
    kiln.packages = others.map((p) => ({ type: p.format, name: p.name, epoch: p.epoch, version: p.version, release: p.release, arch: p.arch }));
  }
  return {
    id,
    host: { os: b.host.os, arch: b.host.arch },
    content_generator: { name: cg, version: b.kilnVersion },
    container: { type: 'none', arch: b.host.arch },
    tools: b.tools.map((t) => ({ name: t.name, version: t.version })),
    components: rpms.map(rpmComponent),
    extra: { kiln },
  };
}

function output(f: ItemFile, buildrootId: number, rpms: CgRpmComponent[]): CgOutput {
  const common = { buildroot_id: buildrootId, filename: f.name, filesize: f.size, checksum: f.sha256, checksum_type: 'sha256' as const };
  if (f.kind === 'log') {
    return { ...common, arch: 'noarch', type: 'log', ...(f.subdir ? { relpath: f.subdir, subdir: f.subdir } : {}) };
  }
  return {
    ...common,
    arch: f.arch,
    type: 'image',
    ...(f.kind === 'image' && rpms.length > 0 ? { components: rpms } : {}),
    extra: { image: { arch: f.arch }, ...(f.extra ? { kiln: f.extra } : {}) },
  };
}

export function cgMetadata(item: ImportItem, o: MetadataOptions): CgMetadata {
  const ids = new Map(item.buildroots.map((b, i) => [b.key, i + 1]));
  const buildroots = item.buildroots.map((b, i) => buildroot(b, i + 1, o.cg));
  return {
    metadata_version: 0,
    build: {
      name: item.nvr.name,
      version: item.nvr.version,
      release: item.nvr.release,
      source: item.source,
      start_time: item.startTime,
      end_time: item.endTime,
      ...(o.buildId !== undefined ? { build_id: o.buildId } : {}),
      extra: { typeinfo: { image: {} }, ...(item.extra ? { kiln: item.extra } : {}) },
    },
    buildroots,
    // A file naming an unknown buildroot gets id 0, which the validator reports.
    output: item.files.map((f) => {
      const id = ids.get(f.buildroot) ?? 0;
      return output(f, id, buildroots[id - 1]?.components ?? []);
    }),
  };
}

/** The upload-directory path of an output (logs sit in their subdir). */
export const uploadRelPath = (o: CgOutput): string => (o.relpath ? `${o.relpath}/${o.filename}` : o.filename);
