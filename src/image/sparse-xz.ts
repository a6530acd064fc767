/**
 * A sparse-aware `.raw.xz`: the output is a sequence of concatenated xz streams (which every xz
 * decoder reads as one: `xz -d`, `xzcat`, liblzma, Python's lzma). Data regions are compressed by
 * `xz -T0`; holes are written as ready-made streams of zeroes taken from a cache, so they are
 * never read nor compressed (xz alone would spend ~25 s per GiB of holes here).
 *
 * Hand-written because no standard tool compresses a sparse file without expanding its holes; xz
 * itself still does all the compression.
 */
import { open } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { commandError, spawn } from '../core/run.js';
import type { HashingWriter } from './hashing-writer.js';
import type { SparseMap } from './sparse-map.js';
import { xzArgs, type XzOptions } from './sparse-tar.js';
import { ZeroStreams } from './xz-zero-streams.js';

const MiB = 1024 * 1024;

export interface Segment {
  kind: 'data' | 'hole';
  start: number;
  length: number;
}

export interface PlanOptions {
  /** Data regions are widened to this alignment (default 1 MiB), so holes are whole MiBs. */
  align?: number;
  /** Data regions closer than this are compressed together, zeroes included (default 8 MiB). */
  mergeGap?: number;
}

/** Splits a disk into data segments (to compress) and holes (to write from the cache). */
export function planSegments(map: SparseMap, options: PlanOptions = {}): Segment[] {
  const align = options.align ?? MiB;
  const mergeGap = options.mergeGap ?? 8 * MiB;
  const data: { start: number; end: number }[] = [];
  for (const e of map.data) {
    const start = Math.floor(e.start / align) * align;
    const end = Math.min(Math.ceil((e.start + e.length) / align) * align, map.virtualSize);
    const last = data[data.length - 1];
    if (last && start - last.end < mergeGap) last.end = Math.max(last.end, end);
    else data.push({ start, end });
  }
  const segments: Segment[] = [];
  let at = 0;
  for (const d of data) {
    if (d.start > at) segments.push({ kind: 'hole', start: at, length: d.start - at });
    segments.push({ kind: 'data', start: d.start, length: d.end - d.start });
    at = d.end;
  }
  if (at < map.virtualSize) segments.push({ kind: 'hole', start: at, length: map.virtualSize - at });
  return segments;
}

export interface SparseXzOptions {
  raw: string;
  map: SparseMap;
  writer: HashingWriter;
  /** Where ready-made zero streams are kept between runs. */
  zeroCacheDir: string;
  xz?: XzOptions;
  plan?: PlanOptions;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface SparseXzStats {
  /** Bytes of the raw file read and fed to xz (data plus the small gaps merged into it). */
  bytesCompressed: number;
  /** Bytes written as cached zero streams (never read). */
  holeBytes: number;
  segments: number;
}

/** Writes `raw` as concatenated xz streams through `o.writer`. */
export async function writeSparseXz(o: SparseXzOptions): Promise<SparseXzStats> {
  const zeroes = new ZeroStreams(o.zeroCacheDir, o.xz, o.signal);
  const segments = planSegments(o.map, o.plan);
  const stats: SparseXzStats = { bytesCompressed: 0, holeBytes: 0, segments: segments.length };
  const fh = await open(o.raw, 'r');
  try {
    for (const s of segments) {
      o.signal?.throwIfAborted();
      if (s.kind === 'hole') {
        for (const stream of await zeroes.streamsFor(s.length)) await o.writer.write(stream);
        stats.holeBytes += s.length;
      } else {
        await compressRange(fh, s, o);
        stats.bytesCompressed += s.length;
      }
    }
  } finally {
    await fh.close();
  }
  return stats;
}

type Fh = Awaited<ReturnType<typeof open>>;

async function compressRange(fh: Fh, s: Segment, o: SparseXzOptions): Promise<void> {
  const args = xzArgs(o.xz);
  const timeoutMs = o.timeoutMs ?? 12 * 3600_000;
  const xz = spawn('xz', args, { timeoutMs, signal: o.signal, stdin: 'pipe', stdout: 'pipe', buffer: false });
  const stdin = xz.stdin as Writable;
  stdin.on('error', () => {});
  const feed = (async () => {
    const buf = Buffer.allocUnsafe(4 * MiB);
    let at = s.start;
    const end = s.start + s.length;
    while (at < end) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - at), at);
      if (bytesRead === 0) throw new Error(`unexpected end of ${o.raw} at ${at}`);
      at += bytesRead;
      // xz went away (its exit says why): stop feeding it rather than wait for a drain that will
      // never come.
      if (stdin.destroyed) return;
      // Copy: the buffer is reused while the pipe may still hold the previous chunk.
      if (!stdin.write(Buffer.from(buf.subarray(0, bytesRead)))) await drainedOrClosed(stdin);
    }
    stdin.end();
  })();
  let firstError: unknown;
  const fail = (error: unknown): void => {
    if (firstError === undefined) {
      firstError = error;
      xz.kill();
    }
  };
  await Promise.all([
    feed.catch(fail),
    o.writer.writeAll(xz.stdout as Readable).catch(fail),
    xz.then(
      () => undefined,
      (error: unknown) => fail(commandError(error, 'xz', args, undefined, timeoutMs)),
    ),
  ]);
  if (firstError !== undefined) throw firstError;
}

/** Resolves when `stream` can take more, or when it closed (its reader died). */
function drainedOrClosed(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
