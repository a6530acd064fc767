/**
 * The data map of a disk image: which byte ranges hold data and which are holes (or read as
 * zeroes). Read through `qemu-img map --output=json`, which uses SEEK_DATA/SEEK_HOLE on raw files
 * and the allocation tables of qcow2, so nothing outside the allocated ranges is ever read.
 */
import { KilnError } from '../core/errors.js';
import { run } from '../core/run.js';

export interface Extent {
  /** Offset in the guest-visible disk, bytes. */
  start: number;
  length: number;
}

export interface SparseMap {
  /** Guest-visible size of the disk in bytes. */
  virtualSize: number;
  /** Ranges that hold data, sorted and merged. */
  data: Extent[];
  /** Sum of the data ranges' lengths. */
  dataBytes: number;
}

interface QemuMapEntry {
  start: number;
  length: number;
  data: boolean;
  zero: boolean;
  present?: boolean;
}

export interface SparseMapOptions {
  format?: 'raw' | 'qcow2';
  signal?: AbortSignal;
}

/** Reads the data map of `path` (format probed by qemu-img unless given). */
export async function readSparseMap(path: string, options: SparseMapOptions = {}): Promise<SparseMap> {
  const args = ['map', '--output=json'];
  if (options.format) args.push('-f', options.format);
  args.push(path);
  const { stdout } = await run('qemu-img', args, { timeoutMs: 120_000, signal: options.signal });
  let entries: QemuMapEntry[];
  try {
    entries = JSON.parse(stdout) as QemuMapEntry[];
  } catch (error) {
    throw new KilnError('IMAGE_MAP_UNREADABLE', `qemu-img map gave unreadable output for ${path}`, { cause: error, fault: 'kiln' });
  }
  return sparseMapFromEntries(entries);
}

/** Builds a SparseMap from qemu-img map entries (exported for tests). */
export function sparseMapFromEntries(entries: QemuMapEntry[]): SparseMap {
  const data: Extent[] = [];
  let virtualSize = 0;
  for (const e of entries) {
    virtualSize = Math.max(virtualSize, e.start + e.length);
    // A range reads as data unless qemu says it is a hole or known zeroes.
    if (!e.data || e.zero) continue;
    const last = data[data.length - 1];
    if (last && last.start + last.length === e.start) last.length += e.length;
    else data.push({ start: e.start, length: e.length });
  }
  return { virtualSize, data, dataBytes: data.reduce((n, e) => n + e.length, 0) };
}

/**
 * The indexes of fixed-size blocks that overlap data (e.g. 512 KiB EBS blocks). A block that is
 * only partly data is included whole.
 */
export function dataBlocks(map: SparseMap, blockSize: number): number[] {
  const blocks: number[] = [];
  let next = 0;
  for (const e of map.data) {
    const first = Math.max(next, Math.floor(e.start / blockSize));
    const last = Math.floor((e.start + e.length - 1) / blockSize);
    for (let b = first; b <= last; b++) blocks.push(b);
    next = last + 1;
  }
  return blocks;
}
