/**
 * Sparse-aware tar archives, optionally xz-compressed with every core: `tar --sparse | xz -T0`
 * into a HashingWriter. GNU tar finds the holes with SEEK_DATA/SEEK_HOLE and stores only the data
 * (GNU sparse members), so a 40 GiB disk holding 1 GiB costs what 1 GiB costs.
 */
import type { HashingWriter } from './hashing-writer.js';
import { pipeToWriter, type Stage } from './pipeline.js';

export interface XzOptions {
  /** Preset 0–9 (default 6, xz's own default). */
  level?: number;
  /** Threads; 0 = one per core (default). */
  threads?: number;
}

export interface TarOptions {
  /** Directory the member names are relative to. */
  cwd: string;
  members: string[];
  /** Modification time stored for every member (reproducible archives). */
  mtime?: Date;
  /** Compress the archive with xz (default: no compression). */
  xz?: XzOptions | false;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export function xzArgs(o: XzOptions = {}): string[] {
  return [`-T${o.threads ?? 0}`, `-${o.level ?? 6}`, '-c'];
}

export function tarArgs(o: Pick<TarOptions, 'members' | 'mtime'>): string[] {
  const args = ['--create', '--file=-', '--format=gnu', '--sparse', '--sort=name', '--numeric-owner', '--owner=0', '--group=0'];
  if (o.mtime) args.push(`--mtime=@${Math.floor(o.mtime.getTime() / 1000)}`);
  args.push('--', ...o.members);
  return args;
}

/** Writes the (compressed) archive through `writer`. */
export async function writeTar(o: TarOptions, writer: HashingWriter): Promise<void> {
  const stages: Stage[] = [{ file: 'tar', args: tarArgs(o), cwd: o.cwd }];
  if (o.xz) stages.push({ file: 'xz', args: xzArgs(o.xz) });
  await pipeToWriter(stages, writer, { timeoutMs: o.timeoutMs ?? 12 * 3600_000, signal: o.signal });
}
