/**
 * A thin wrapper around qemu-img: image facts (`info`), copy-on-write overlays, and conversions
 * with qemu-img's parallel options. qemu-img does the work; this file only builds argv arrays,
 * parses JSON and turns failures into KilnErrors.
 */
import { KilnError } from '../core/errors.js';
import { run } from '../core/run.js';
import { diskFullFrom } from './io-errors.js';

export type ImageFormat = 'raw' | 'qcow2';
export type Qcow2Compat = '1.1' | '0.10';

export interface ImageInfo {
  format: string;
  virtualSize: number;
  /** Bytes the file occupies on the host (allocated blocks). */
  actualSize: number;
  backingFile?: string;
  backingFormat?: string;
  /** qcow2 only: '1.1' or '0.10'. */
  compat?: string;
}

interface QemuInfoJson {
  format: string;
  'virtual-size': number;
  'actual-size'?: number;
  'backing-filename'?: string;
  'full-backing-filename'?: string;
  'backing-filename-format'?: string;
  'format-specific'?: { type: string; data?: { compat?: string } };
}

const INFO_TIMEOUT_MS = 60_000;

export async function imageInfo(path: string, options: { format?: ImageFormat; signal?: AbortSignal } = {}): Promise<ImageInfo> {
  const args = ['info', '--output=json', '-U'];
  if (options.format) args.push('-f', options.format);
  args.push(path);
  const { stdout } = await run('qemu-img', args, { timeoutMs: INFO_TIMEOUT_MS, signal: options.signal });
  let json: QemuInfoJson;
  try {
    json = JSON.parse(stdout) as QemuInfoJson;
  } catch (error) {
    throw new KilnError('IMAGE_INFO_UNREADABLE', `qemu-img info gave unreadable output for ${path}`, { cause: error, fault: 'kiln' });
  }
  return {
    format: json.format,
    virtualSize: json['virtual-size'],
    actualSize: json['actual-size'] ?? 0,
    backingFile: json['full-backing-filename'] ?? json['backing-filename'],
    backingFormat: json['backing-filename-format'],
    compat: json['format-specific']?.data?.compat,
  };
}

/**
 * Creates a qcow2 overlay whose backing file is `base`: every write lands in the overlay, the base
 * is only ever opened read-only.
 */
export async function createOverlay(base: string, baseFormat: ImageFormat, overlay: string, signal?: AbortSignal): Promise<void> {
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', baseFormat, '-b', base, overlay], {
    timeoutMs: INFO_TIMEOUT_MS,
    signal,
  }).catch((error: unknown) => {
    throw diskFullFrom(error, overlay) ?? error;
  });
}

export interface ConvertOptions {
  src: string;
  srcFormat: ImageFormat;
  dst: string;
  dstFormat: ImageFormat;
  /** qcow2 only: compress every cluster (zlib). */
  compress?: boolean;
  /** qcow2 only (default 1.1). */
  compat?: Qcow2Compat;
  /** Parallel coroutines and out-of-order writes (qemu-img -m N -W). Default 16. */
  coroutines?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The qemu-img argv for a conversion. */
export function convertArgs(o: ConvertOptions): string[] {
  const args = ['convert', '-f', o.srcFormat, '-O', o.dstFormat];
  if (o.compress) {
    if (o.dstFormat !== 'qcow2') throw new KilnError('INTERNAL', 'only qcow2 output can be compressed', { fault: 'kiln' });
    args.push('-c');
  }
  if (o.dstFormat === 'qcow2') args.push('-o', `compat=${o.compat ?? '1.1'}`);
  // Holes stay holes: qemu-img skips unallocated and zero ranges of the source (block status) and
  // leaves them unwritten in a raw target (sparse) or unallocated in a qcow2 target.
  args.push('-m', String(o.coroutines ?? 16), '-W', o.src, o.dst);
  return args;
}

export async function convertImage(o: ConvertOptions): Promise<void> {
  await run('qemu-img', convertArgs(o), { timeoutMs: o.timeoutMs ?? 6 * 3600_000, signal: o.signal }).catch((error: unknown) => {
    throw diskFullFrom(error, o.dst) ?? error;
  });
}

export interface CheckResult {
  corruptions: number;
  leaks: number;
  /** Whether the image is clean. */
  ok: boolean;
}

/** `qemu-img check` (qcow2): corruptions and leaked clusters. */
export async function checkImage(path: string, format: ImageFormat = 'qcow2'): Promise<CheckResult> {
  const result = await run('qemu-img', ['check', '--output=json', '-f', format, path], { timeoutMs: 600_000 }).catch((error: unknown) => {
    // qemu-img check exits 2/3 for corruptions/leaks but still prints its JSON report.
    const stdout = (error as { cause?: { stdout?: unknown } }).cause?.stdout;
    if (typeof stdout === 'string' && stdout.trim().startsWith('{')) return { stdout, stderr: '', exitCode: 1 };
    throw error;
  });
  const json = JSON.parse(result.stdout) as { corruptions?: number; leaks?: number };
  const corruptions = json.corruptions ?? 0;
  const leaks = json.leaks ?? 0;
  return { corruptions, leaks, ok: corruptions === 0 && leaks === 0 };
}

/** Creates an empty image (a new data or scratch disk). Raw images are sparse. */
export async function createImage(path: string, format: ImageFormat, size: number, signal?: AbortSignal): Promise<void> {
  await run('qemu-img', ['create', '-q', '-f', format, path, String(size)], { timeoutMs: INFO_TIMEOUT_MS, signal }).catch((error: unknown) => {
    throw diskFullFrom(error, path) ?? error;
  });
}
