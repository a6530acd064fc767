/**
 * Reads a directory of `kiln target` outputs as an import item: its targets.json lists the
 * outputs (file, size, SHA-256, target, base image); each base image in the store gives a
 * buildroot (its packages, kiln's version, how it was installed), its records (record.json,
 * manifest.json, ICICLE) and its build logs (console, installer log, kickstart as booted, domain
 * XML, events). Outputs and records are named in Koji as they are on disk; logs go under their
 * arch so two arches' console.log do not clash.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError } from '../../core/errors.js';
import { sha256File } from '../../core/hash.js';
import type { ImportItem, ItemBuildroot, ItemFile, ItemPackage, Nvr } from '../../providers/koji/item.js';
import type { PackageEntry } from '../../store/record.js';
import { shortId, type BaseImage, type Store } from '../../store/store.js';
import { readRecordFile, RECORD_FILE } from '../../targets/record-file.js';
import type { HostFacts } from './host-facts.js';

/** The log files kiln keeps per build (record.logDir), in the order Koji lists them. */
export const BUILD_LOGS = ['build.jsonl', 'console.log', 'installer.log', 'kickstart.cfg', 'domain.xml'];

const DEB_ARCHES = new Set(['amd64', 'i386', 'all', 'arm64', 'armhf']);

/** Records made before the manifest kept the format: Debian's arch names tell a deb. */
function packageOf(p: PackageEntry): ItemPackage {
  const format = p.format ?? (DEB_ARCHES.has(p.arch) ? 'deb' : 'rpm');
  return { format, name: p.name, epoch: p.epoch, version: p.version, release: p.release, arch: p.arch, ...(p.sigmd5 ? { sigmd5: p.sigmd5 } : {}) };
}

export async function fileOf(path: string, rest: Omit<ItemFile, 'path' | 'size' | 'sha256'>): Promise<ItemFile | undefined> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile()) return undefined;
  return { path, size: s.size, sha256: await sha256File(path), ...rest };
}

export function buildrootOf(base: BaseImage, host: HostFacts): ItemBuildroot {
  const r = base.record;
  return {
    key: base.id,
    host: { os: host.os, arch: host.arch },
    kilnVersion: r.kilnVersion,
    tools: [{ name: 'kiln', version: r.kilnVersion }, ...host.tools],
    packages: r.packages.map(packageOf),
    extra: { base: base.id, name: r.name, version: r.version, arch: r.arch, accelerator: r.accelerator, installer: r.installer, timings: r.timings },
  };
}

export async function baseFiles(base: BaseImage, logSubdir: string): Promise<ItemFile[]> {
  const stem = `kiln-base-${shortId(base.id)}`;
  const common = { arch: base.record.arch, buildroot: base.id };
  const records = await Promise.all([
    fileOf(join(base.dir, 'record.json'), { ...common, name: `${stem}.record.json`, kind: 'record' }),
    fileOf(join(base.dir, 'manifest.json'), { ...common, name: `${stem}.manifest.json`, kind: 'record' }),
    fileOf(join(base.dir, 'icicle.xml'), { ...common, name: `${stem}.icicle.xml`, kind: 'record' }),
  ]);
  const logs = await Promise.all(BUILD_LOGS.map((name) => fileOf(join(base.record.logDir, name), { ...common, name, kind: 'log', subdir: logSubdir, arch: 'noarch' })));
  return [...records, ...logs].filter((f): f is ItemFile => f !== undefined);
}

export function sourceOf(bases: BaseImage[]): string {
  const parts = bases.map((b) => {
    const ks = b.record.inputs.find((i) => i.name === 'kickstart')?.sha256 ?? 'unknown';
    return `${b.record.arch}: kickstart sha256:${ks} from tree ${b.record.installer.tree}`;
  });
  return `${parts.join('; ')}; kiln ${[...new Set(bases.map((b) => b.record.kilnVersion))].join(', ')}`;
}

export interface TargetsDirInput {
  dir: string;
  nvr: Nvr;
  store: Store;
  host: HostFacts;
}

export async function itemFromTargetsDir(i: TargetsDirInput): Promise<ImportItem> {
  const record = await readRecordFile(i.dir);
  if (!record || record.outputs.length === 0) {
    throw new KilnError('KOJI_NO_OUTPUTS', `${i.dir} has no ${RECORD_FILE} listing kiln target outputs`, { fault: 'user', hint: "Give the --out directory of 'kiln target' or 'kiln build --target'." });
  }
  const ids = [...new Set(record.outputs.map((o) => o.base.id))];
  const bases: BaseImage[] = [];
  for (const id of ids) {
    const base = await i.store.find(id);
    if (!base) {
      throw new KilnError('KOJI_BASE_MISSING', `base image ${shortId(id)} (of the outputs in ${i.dir}) is not in the store ${i.store.dir}`, {
        fault: 'user',
        hint: 'Koji records the packages and logs of the base image: give the store it was built in with --store.',
      });
    }
    bases.push(base);
  }
  const arches = bases.map((b) => b.record.arch);
  const subdir = (b: BaseImage) => (arches.filter((a) => a === b.record.arch).length > 1 ? `${b.record.arch}-${shortId(b.id)}` : b.record.arch);
  const outputs = await Promise.all(
    record.outputs.map(async (o): Promise<ItemFile> => ({
      path: join(i.dir, o.file),
      name: o.file,
      kind: 'image',
      arch: o.base.arch,
      buildroot: o.base.id,
      size: o.size,
      sha256: o.sha256,
      extra: { target: o.target, format: o.format, virtual_size: o.virtualSize, options: o.options, ...(o.ec2 ? { ec2: o.ec2 } : {}) },
    })),
  );
  const targetsJson = join(i.dir, RECORD_FILE);
  const files = [
    ...outputs,
    (await fileOf(targetsJson, { name: `kiln-${RECORD_FILE}`, kind: 'record', arch: 'noarch', buildroot: bases[0]!.id }))!,
    ...(await Promise.all(bases.map((b) => baseFiles(b, subdir(b))))).flat(),
  ];
  const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  const starts = bases.map((b) => seconds(b.record.createdAt) - Math.ceil(b.record.timings.reduce((n, t) => n + t.ms, 0) / 1000));
  const ends = record.outputs.map((o) => seconds(o.createdAt));
  return {
    nvr: i.nvr,
    source: sourceOf(bases),
    startTime: Math.min(...starts),
    endTime: Math.max(...ends, ...starts),
    buildroots: bases.map((b) => buildrootOf(b, i.host)),
    files,
    extra: { targets: [...new Set(record.outputs.map((o) => o.target))], bases: bases.map((b) => ({ id: b.id, name: b.record.name, version: b.record.version, arch: b.record.arch })) },
  };
}
