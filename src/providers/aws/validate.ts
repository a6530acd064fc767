/**
 * Everything checked before the first AWS call, so a bad request creates nothing: the options
 * (AMI name rules, regions, tags, workers, encryption vs --public, …) and the image (raw, a whole
 * number of 512-byte sectors, architecture matching the image's kiln record when there is one).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KilnError, type ErrorCode } from '../../core/errors.js';
import { run } from '../../core/run.js';
import { REGION_HINT, regionProblem } from './regions.js';
import { GIB, type Ec2Arch, type PublishEc2Options } from './types.js';

/** EC2 AMI names: 3–128 letters, digits, ( ) [ ] space . / - ' @ _ */
export const AMI_NAME = /^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/;
const MAX_TAGS = 50;
const MAX_VOLUME_GIB = 65_536;
export const VOLUME_TYPES = ['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard'];

function usage(code: ErrorCode, message: string, hint?: string): KilnError {
  return new KilnError(code, message, { usage: true, fault: 'user', hint });
}

/** Checks the options alone (no file, no network). Throws a usage KilnError naming the option. */
export function validateOptions(o: PublishEc2Options): void {
  if (!AMI_NAME.test(o.name)) {
    throw usage('AMI_NAME_INVALID', `invalid AMI name '${o.name}'`, "EC2 AMI names are 3 to 128 characters: letters, digits, spaces and ( ) [ ] . / - ' @ _");
  }
  if (o.description !== undefined && o.description.length > 255) throw usage('USAGE', `--description is ${o.description.length} characters; EC2 allows 255`);
  if (o.arch !== 'i386' && o.arch !== 'x86_64') throw usage('USAGE', `invalid --arch '${String(o.arch)}'`, 'Use i386 (also i686) or x86_64.');
  for (const region of [...(o.region ? [o.region] : []), ...(o.regions ?? [])]) checkRegion(region, o.endpointUrl);
  const workers = o.workers ?? 64;
  if (!Number.isInteger(workers) || workers < 1 || workers > 1024) throw usage('USAGE', `invalid --workers '${workers}'`, 'Use a whole number from 1 to 1024.');
  if ((o.method ?? 'ebs-direct') === 'import-snapshot' && !o.bucket) {
    throw usage('USAGE', '--method import-snapshot needs --bucket', 'ImportSnapshot reads the image from an S3 bucket in the source region.');
  }
  if (o.public && (o.encrypted || o.kmsKeyId)) {
    throw usage('USAGE', '--public cannot be combined with --encrypted or --kms-key', 'EC2 does not share encrypted snapshots (or AMIs backed by them) publicly.');
  }
  if (o.bootMode === 'uefi' && o.arch === 'i386') throw usage('USAGE', '--boot-mode uefi is not supported for i386 AMIs', 'Use legacy-bios for i386.');
  if (o.volumeSizeGiB !== undefined && (!Number.isInteger(o.volumeSizeGiB) || o.volumeSizeGiB < 1 || o.volumeSizeGiB > MAX_VOLUME_GIB)) {
    throw usage('USAGE', `invalid --volume-size '${o.volumeSizeGiB}'`, `Use whole GiB from 1 to ${MAX_VOLUME_GIB}.`);
  }
  if (o.volumeType !== undefined && !VOLUME_TYPES.includes(o.volumeType)) {
    throw usage('USAGE', `invalid --volume-type '${o.volumeType}'`, `Use one of ${VOLUME_TYPES.join(', ')}.`);
  }
  if (o.rootDeviceName !== undefined && !/^\/dev\/(xvd[a-z]|sd[a-z]1?|nvme0n1)$/.test(o.rootDeviceName)) {
    throw usage('USAGE', `invalid --root-device '${o.rootDeviceName}'`, 'Use a device name such as /dev/xvda or /dev/sda1.');
  }
  const tags = Object.entries(o.tags ?? {});
  const own = o.compose === undefined ? 4 : 5;
  if (tags.length + own > MAX_TAGS) throw usage('USAGE', `too many tags (${tags.length}); EC2 allows ${MAX_TAGS} per resource and kiln adds ${own}`);
  for (const [key, value] of tags) {
    if (key.length < 1 || key.length > 128 || /^(aws:|kiln:)/i.test(key)) {
      throw usage('USAGE', `invalid tag key '${key}'`, 'Tag keys are 1 to 128 characters and cannot start with aws: or kiln: (reserved).');
    }
    if (value.length > 256) throw usage('USAGE', `tag '${key}' has a value longer than 256 characters`);
  }
  if (o.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(o.sha256)) throw usage('USAGE', `invalid sha256 '${o.sha256}'`, 'Give 64 lowercase hex digits.');
}

/** Throws a usage error when `region` is not one AWS has (any name goes to a custom endpoint). */
export function checkRegion(region: string, endpointUrl: string | undefined): void {
  const problem = regionProblem(region, { endpointUrl });
  if (problem) throw usage('AWS_REGION_UNKNOWN', problem, REGION_HINT);
}

export interface ImageFacts {
  /** Bytes (the raw file's size). */
  size: number;
  /** Size rounded up to whole GiB (EBS volumes are sized in GiB). */
  sizeGiB: number;
  /** The kiln record that named the image's architecture, when one was found. */
  record?: { file: string; arch: Ec2Arch };
}

/**
 * Checks the image file: readable, raw (qemu-img info), a whole number of 512-byte sectors, and,
 * when a kiln record sits beside it, built for `arch`.
 */
export async function inspectImage(path: string, arch: Ec2Arch, signal?: AbortSignal): Promise<ImageFacts> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (error) {
    throw new KilnError('IMAGE_NOT_FOUND', `cannot read image ${path}: ${(error as Error).message}`, { cause: error, fault: 'user', usage: true });
  }
  const { stdout } = await run('qemu-img', ['info', '--output=json', path], { timeoutMs: 60_000, signal });
  const info = JSON.parse(stdout) as { format?: string };
  if (info.format !== 'raw') {
    const name = basename(path);
    // Never suggest writing over the input (x.raw that is really a qcow2).
    const raw = /\.raw$/i.test(name) ? name.replace(/\.raw$/i, '-converted.raw') : `${name.replace(/\.[^.]+$/, '')}.raw`;
    throw usage('IMAGE_NOT_RAW', `${path} is a ${info.format ?? 'unknown'} image; EC2 publishing takes a raw disk`, `Convert it first: qemu-img convert -O raw ${name} ${raw}`);
  }
  if (size === 0 || size % 512 !== 0) {
    throw usage('IMAGE_SIZE_UNALIGNED', `${path} is ${size} bytes, not a whole number of 512-byte sectors`, 'A disk image is a whole number of sectors; the file is truncated or not a disk.');
  }
  const record = await findArchRecord(path);
  if (record && record.arch !== arch) {
    throw usage('IMAGE_ARCH_MISMATCH', `--arch ${arch} does not match the image: ${record.file} says ${record.arch}`, `Use --arch ${record.arch}, or publish the image built for ${arch}.`);
  }
  return { size, sizeGiB: Math.max(1, Math.ceil(size / GIB)), ...(record ? { record } : {}) };
}

/** kiln's architecture names (i686) → EC2's (i386). */
export function ec2Arch(name: string): Ec2Arch | undefined {
  if (/^(i[3-6]86|x86)$/.test(name)) return 'i386';
  if (/^(x86_64|amd64|x64)$/.test(name)) return 'x86_64';
  return undefined;
}

/**
 * The image's architecture from a kiln record beside it, looked for in this order: `<image>.json`,
 * `<image without extension>.json`, then `record.json` and `targets.json` in the same directory.
 * The first readable JSON file with a string `arch` (top level or under `record`) decides; files
 * without one are skipped. No record → no check.
 */
export async function findArchRecord(imagePath: string): Promise<{ file: string; arch: Ec2Arch } | undefined> {
  const dir = dirname(imagePath);
  const base = basename(imagePath);
  const candidates = [`${imagePath}.json`, join(dir, `${base.replace(/\.[^.]+$/, '')}.json`), join(dir, 'record.json'), join(dir, 'targets.json')];
  for (const file of [...new Set(candidates)]) {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      continue;
    }
    const obj = data as { arch?: unknown; record?: { arch?: unknown } };
    const raw = typeof obj?.arch === 'string' ? obj.arch : typeof obj?.record?.arch === 'string' ? obj.record.arch : undefined;
    if (raw === undefined) continue;
    const arch = ec2Arch(raw);
    if (arch) return { file, arch };
  }
  return undefined;
}
