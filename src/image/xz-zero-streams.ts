/**
 * Ready-made xz streams of zeroes (1 MiB … 64 MiB, powers of two), made once by xz itself and kept
 * in a cache directory keyed by xz's version and preset. A hole of any length is written as a few
 * of them, concatenated.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { run, runBinary } from '../core/run.js';
import { xzArgs, type XzOptions } from './sparse-tar.js';

const MiB = 1024 * 1024;
/** The largest cached stream; longer holes repeat it. */
export const ZERO_CHUNK = 64 * MiB;

/** Sizes (largest first) whose zero streams, concatenated, cover `length` bytes. */
export function zeroPieces(length: number): number[] {
  const pieces: number[] = [];
  let left = length;
  while (left >= ZERO_CHUNK) {
    pieces.push(ZERO_CHUNK);
    left -= ZERO_CHUNK;
  }
  for (let size = ZERO_CHUNK / 2; size >= MiB; size /= 2) {
    if (left >= size) {
      pieces.push(size);
      left -= size;
    }
  }
  if (left > 0) pieces.push(left);
  return pieces;
}

export class ZeroStreams {
  private readonly memory = new Map<number, Promise<Buffer>>();
  private dir?: Promise<string>;

  constructor(
    private readonly cacheDir: string,
    private readonly xz: XzOptions = {},
    private readonly signal?: AbortSignal,
  ) {}

  /** The streams to write for a hole of `length` bytes, in order. */
  async streamsFor(length: number): Promise<Buffer[]> {
    return Promise.all(zeroPieces(length).map((size) => this.stream(size)));
  }

  private stream(size: number): Promise<Buffer> {
    let p = this.memory.get(size);
    if (!p) {
      p = this.load(size);
      this.memory.set(size, p);
    }
    return p;
  }

  private async load(size: number): Promise<Buffer> {
    const cacheable = size % MiB === 0;
    const file = cacheable ? join(await this.cacheSubdir(), `${size / MiB}M.xz`) : undefined;
    if (file) {
      const cached = await readFile(file).catch(() => undefined);
      if (cached) return cached;
    }
    const made = await this.compressZeroes(size);
    if (file) await writeFileAtomic(file, made).catch(() => {}); // a cache: failing to keep it is harmless
    return made;
  }

  private async compressZeroes(size: number): Promise<Buffer> {
    return runBinary('xz', xzArgs({ ...this.xz, threads: 1 }), { timeoutMs: 600_000, signal: this.signal, input: new Uint8Array(size) });
  }

  private cacheSubdir(): Promise<string> {
    this.dir ??= run('xz', ['--version'], { timeoutMs: 10_000 }).then(({ stdout }) => {
      const version = /(\d+\.\d+\.\d+)/.exec(stdout)?.[1] ?? 'unknown';
      return join(this.cacheDir, `xz-${version}-preset${this.xz.level ?? 6}`);
    });
    return this.dir;
  }
}
